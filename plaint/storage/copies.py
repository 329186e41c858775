"""Linking each new post that repeats an earlier one to that first sighting, inside a batch's
transaction: exact copies by text hash, near copies by MinHash LSH band keys (see dedup.py).

Only originals carry band keys. A popular complaint reposted a thousand times then costs one
candidate, not a thousand, and every copy still points straight at the first sighting.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from plaint.storage import chunks
from plaint.storage.dedup import THRESHOLD, MinHasher, jaccard, near_basis, shingles
from plaint.storage.models import PostBandRow, PostRow

_HASHER = MinHasher()


class CopyLinker:
    def __init__(self, session: Session, hasher: MinHasher = _HASHER) -> None:
        self.session = session
        self.hasher = hasher

    def link(self, new_rows: Sequence[PostRow]) -> Counter[str]:
        """Mark each new row new, or a copy (exact or near) of an earlier post; index its text."""
        outcomes: Counter[str] = Counter()
        exact = self._exact_originals(new_rows)
        texts = {row.id: near_basis(row.title, row.text) for row in new_rows}
        hashes = {row_id: shingles(words) for row_id, words in texts.items() if words}
        keys = {row_id: self.hasher.band_keys(h) for row_id, h in hashes.items()}
        stored = self._stored_candidates({(band, key) for ks in keys.values() for band, key in enumerate(ks)},
                                         exclude={row.id for row in new_rows})
        seen_in_batch: dict[tuple[int, int], list[tuple[int, int, np.ndarray]]] = defaultdict(list)
        bands: list[dict[str, int]] = []
        for row in new_rows:
            original = exact.get(row.text_hash) if row.text_hash else None
            if original is not None:
                row.duplicate_of, row.duplicate_kind, row.similarity = original, "exact", 1.0
                outcomes["duplicate"] += 1
            elif row.id in hashes:
                match = self._nearest(hashes[row.id], keys[row.id], stored, seen_in_batch)
                if match is not None:
                    row.duplicate_of, row.duplicate_kind, row.similarity = match
                    outcomes["near duplicate"] += 1
                else:
                    outcomes["new"] += 1
            else:
                outcomes["new"] += 1
            if row.duplicate_of is not None:
                continue  # only originals are indexed: a copy is within reach of its original
            if row.text_hash:
                exact.setdefault(row.text_hash, row.id)
            for band, key in enumerate(keys.get(row.id, ())):
                seen_in_batch[(band, key)].append((row.id, row.id, hashes[row.id]))
                bands.append({"band": band, "key": key, "post_id": row.id})
        if bands:
            self.session.execute(insert(PostBandRow.__table__), bands)
        return outcomes

    def index(self, row: PostRow) -> None:
        """(Re)compute the band keys of a stored original whose text changed, or of a copy that
        became an original because the post it copied was erased."""
        self.forget(row)
        words = near_basis(row.title, row.text)
        if words:
            self.session.execute(insert(PostBandRow.__table__), [
                {"band": band, "key": key, "post_id": row.id}
                for band, key in enumerate(self.hasher.band_keys(shingles(words)))])

    def forget(self, row: PostRow) -> None:
        self.session.execute(delete(PostBandRow).where(PostBandRow.post_id == row.id))

    def _exact_originals(self, new_rows: Sequence[PostRow]) -> dict[str, int]:
        hashes = sorted({row.text_hash for row in new_rows if row.text_hash})
        new_ids = {row.id for row in new_rows}
        originals: dict[str, int] = {}
        for chunk in chunks(hashes):
            query = (select(PostRow.text_hash, PostRow.id)
                     .where(PostRow.text_hash.in_(chunk), PostRow.duplicate_of.is_(None),
                            PostRow.tombstoned_at.is_(None))
                     .order_by(PostRow.id))
            for text_hash, post_id in self.session.execute(query):
                if post_id not in new_ids:
                    originals.setdefault(text_hash, post_id)
        return originals

    def _stored_candidates(self, band_keys: set[tuple[int, int]], exclude: set[int]
                           ) -> dict[tuple[int, int], list[tuple[int, int, np.ndarray]]]:
        """For each band key, the stored posts that share it: (id, its original's id, shingles)."""
        posts: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for chunk in chunks(sorted(band_keys)):
            query = select(PostBandRow.band, PostBandRow.key, PostBandRow.post_id).where(
                tuple_(PostBandRow.band, PostBandRow.key).in_(chunk))
            for band, key, post_id in self.session.execute(query):
                if post_id not in exclude:
                    posts[post_id].add((band, key))
        found: dict[tuple[int, int], list[tuple[int, int, np.ndarray]]] = defaultdict(list)
        for chunk in chunks(sorted(posts)):
            query = select(PostRow.id, PostRow.duplicate_of, PostRow.title, PostRow.text).where(
                PostRow.id.in_(chunk), PostRow.tombstoned_at.is_(None))
            for post_id, duplicate_of, title, text in self.session.execute(query):
                words = near_basis(title, text)
                if words:
                    entry = (post_id, duplicate_of or post_id, shingles(words))
                    for band_key in posts[post_id]:
                        found[band_key].append(entry)
        return found

    @staticmethod
    def _nearest(hashes: np.ndarray, keys: list[int],
                 stored: dict[tuple[int, int], list[tuple[int, int, np.ndarray]]],
                 batch: dict[tuple[int, int], list[tuple[int, int, np.ndarray]]]) -> tuple[int, str, float] | None:
        """The original of the most similar earlier post at or above the threshold, if any."""
        best: tuple[float, int] | None = None
        checked: set[int] = set()
        for band, key in enumerate(keys):
            for post_id, root, other_hashes in [*stored.get((band, key), ()), *batch.get((band, key), ())]:
                if post_id in checked:
                    continue
                checked.add(post_id)
                similarity = jaccard(hashes, other_hashes)
                if similarity >= THRESHOLD and (best is None or (similarity, -root) > (best[0], -best[1])):
                    best = (similarity, root)
        return None if best is None else (best[1], "near", round(best[0], 3))

"""Linking each new post that repeats an earlier one to that first sighting, inside a batch's
transaction: exact copies by text hash, near copies by MinHash LSH band keys (see dedup.py).

Only originals carry band keys and a signature. A popular complaint reposted a thousand times
then costs one candidate, not a thousand, and every copy points straight at the first sighting.
Candidates found by band key are screened by their stored signature; only the few that pass are
compared exactly, by their texts' shingles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from plaint.storage import chunks
from plaint.storage.dedup import (
    SCREEN,
    THRESHOLD,
    MinHasher,
    estimated_similarity,
    jaccard,
    near_basis,
    pack,
    shingles,
)
from plaint.storage.models import PostBandRow, PostRow

_HASHER = MinHasher()
BandKey = tuple[int, int]  # (band, key)


@dataclass
class _Text:
    """A text's near-duplicate identity: its shingles, signature and band keys."""

    shingles: np.ndarray
    signature: np.ndarray
    keys: list[BandKey]

    @classmethod
    def of(cls, title: str | None, text: str, hasher: MinHasher) -> _Text | None:
        words = near_basis(title, text)
        if words is None:
            return None
        hashes = shingles(words)
        signature = hasher.signature(hashes)
        return cls(hashes, signature, list(enumerate(hasher.band_keys(signature))))


class CopyLinker:
    def __init__(self, session: Session, hasher: MinHasher = _HASHER) -> None:
        self.session = session
        self.hasher = hasher

    def link(self, new_rows: Sequence[PostRow]) -> Counter[str]:
        """Mark each new row new, or a copy (exact or near) of an earlier post; index originals."""
        outcomes: Counter[str] = Counter()
        exact = self._exact_originals(new_rows)
        texts = {row.id: _Text.of(row.title, row.text, self.hasher) for row in new_rows}
        stored = self._stored_candidates({key for t in texts.values() if t for key in t.keys},
                                         exclude={row.id for row in new_rows})
        in_batch: dict[BandKey, list[tuple[int, np.ndarray]]] = defaultdict(list)
        bands: list[dict[str, int]] = []
        # Among posts seen together, the one posted first is the original (listings come newest first).
        for row in sorted(new_rows, key=lambda r: (r.created_at is None, r.created_at or datetime.min, r.id)):
            text = texts[row.id]
            original = exact.get(row.text_hash) if row.text_hash else None
            if original is not None:
                row.duplicate_of, row.duplicate_kind, row.similarity = original, "exact", 1.0
                outcomes["duplicate"] += 1
                continue
            match = self._nearest(text, stored, in_batch) if text else None
            if match is not None:
                row.duplicate_of, row.duplicate_kind, row.similarity = match[0], "near", match[1]
                outcomes["near duplicate"] += 1
                continue
            outcomes["new"] += 1
            if row.text_hash:
                exact.setdefault(row.text_hash, row.id)
            if text:
                row.minhash = pack(text.signature)
                for band, key in text.keys:
                    in_batch[(band, key)].append((row.id, text.shingles))
                    bands.append({"band": band, "key": key, "post_id": row.id})
        if bands:
            self.session.execute(insert(PostBandRow.__table__), bands)
        return outcomes

    def index(self, row: PostRow) -> None:
        """(Re)index a stored original whose text changed, or a copy that became an original
        because the post it copied was erased."""
        self.forget(row)
        text = _Text.of(row.title, row.text, self.hasher)
        if text:
            row.minhash = pack(text.signature)
            self.session.execute(insert(PostBandRow.__table__), [
                {"band": band, "key": key, "post_id": row.id} for band, key in text.keys])

    def forget(self, row: PostRow) -> None:
        row.minhash = None
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

    def _stored_candidates(self, band_keys: set[BandKey], exclude: set[int]) -> dict[BandKey, list[tuple[int, bytes]]]:
        """For each band key, the stored originals that share it, with their packed signatures."""
        sharing: dict[int, set[BandKey]] = defaultdict(set)
        for chunk in chunks(sorted({key for _, key in band_keys})):
            query = select(PostBandRow.band, PostBandRow.key, PostBandRow.post_id).where(PostBandRow.key.in_(chunk))
            for band, key, post_id in self.session.execute(query):
                if post_id not in exclude and (band, key) in band_keys:
                    sharing[post_id].add((band, key))
        found: dict[BandKey, list[tuple[int, bytes]]] = defaultdict(list)
        for chunk in chunks(sorted(sharing)):
            query = select(PostRow.id, PostRow.minhash).where(
                PostRow.id.in_(chunk), PostRow.tombstoned_at.is_(None), PostRow.minhash.is_not(None))
            for post_id, packed in self.session.execute(query):
                for band_key in sharing[post_id]:
                    found[band_key].append((post_id, packed))
        return found

    def _nearest(self, text: _Text, stored: dict[BandKey, list[tuple[int, bytes]]],
                 in_batch: dict[BandKey, list[tuple[int, np.ndarray]]]) -> tuple[int, float] | None:
        """The earliest-indexed most similar original at or above the threshold, and the similarity."""
        exact_checks: dict[int, np.ndarray | None] = {}
        for band_key in text.keys:
            for post_id, packed in stored.get(band_key, ()):
                if post_id not in exact_checks and estimated_similarity(text.signature, packed) >= SCREEN:
                    exact_checks[post_id] = None  # texts loaded below, in one query
            for post_id, hashes in in_batch.get(band_key, ()):
                exact_checks.setdefault(post_id, hashes)
        self._load_shingles(exact_checks)
        best: tuple[float, int] | None = None
        for post_id, hashes in exact_checks.items():
            similarity = jaccard(text.shingles, hashes) if hashes is not None else 0.0
            if similarity >= THRESHOLD and (best is None or (similarity, -post_id) > (best[0], -best[1])):
                best = (similarity, post_id)
        return None if best is None else (best[1], round(best[0], 3))

    def _load_shingles(self, wanted: dict[int, np.ndarray | None]) -> None:
        missing = [post_id for post_id, hashes in wanted.items() if hashes is None]
        for chunk in chunks(missing):
            for post_id, title, body in self.session.execute(
                    select(PostRow.id, PostRow.title, PostRow.text).where(PostRow.id.in_(chunk))):
                words = near_basis(title, body)
                wanted[post_id] = shingles(words) if words else None

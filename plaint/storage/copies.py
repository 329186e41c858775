"""Linking each new post that repeats an earlier one to that first sighting, inside a batch's
transaction: exact copies by text hash, near copies by MinHash LSH band keys (see plaint/identity.py).

Only originals carry band keys and a signature. A popular complaint reposted a thousand times
then costs one candidate, not a thousand, and every copy points straight at the first sighting.
Candidates found by band key are screened by their stored signature; only the few that pass are
compared exactly, by their texts' shingles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plaint.identity import (
    HASHER,
    SCREEN,
    THRESHOLD,
    BandKey,
    MinHasher,
    TextIdentity,
    jaccard,
    near_basis,
    pack,
    shingles,
)
from plaint.storage import chunks, placeholder
from plaint.storage.models import PostBandRow, PostRow

# New posts are linked before they are inserted, under ids above any a database hands out:
# ties between candidates go to the lowest id, so a stored post still wins over a new one.
PROVISIONAL = 1 << 62
# However crowded a band key's bucket gets, a new post is compared with at most its newest this
# many originals, so the check's work per post stays bounded; a true near copy shares about four
# of its sixteen band keys with its original, so it has more than one chance to meet it.
BUCKET_CAP = 16
KEYS_PER_STATEMENT = 400


@dataclass
class NewText:
    """A post about to be inserted, as the copy check sees it; `link` fills in what it found."""

    id: int  # provisional (PROVISIONAL + its place in the batch)
    created_at: datetime | None
    identity: TextIdentity
    duplicate_of: int | None = None  # a stored post's id, or another new post's provisional one
    duplicate_kind: str | None = None  # exact | near
    similarity: float | None = None
    minhash: bytes | None = None  # set on originals long enough to be compared


class CopyLinker:
    def __init__(self, session: Session, hasher: MinHasher = HASHER) -> None:
        self.session = session
        self.hasher = hasher

    def link(self, new: Sequence[NewText]) -> Counter[str]:
        """Decide of each new post whether it is new or a copy (exact or near) of an earlier one.
        Writes nothing: the caller inserts the posts, then `add_bands` indexes the originals."""
        outcomes: Counter[str] = Counter()
        exact = self._exact_originals({item.identity.text_hash for item in new if item.identity.text_hash})
        buckets, signatures = self._stored_candidates({key for item in new for key in item.identity.keys})
        screened = {item.id: _screened(item.identity, _sharing(item.identity, buckets), signatures)
                    for item in new if item.identity.keys}
        stored_shingles = self._stored_shingles({post_id for ids in screened.values() for post_id in ids})
        # This batch's originals so far, by band key: the newest BUCKET_CAP of each, as for stored ones.
        in_batch: dict[BandKey, list[int]] = {}
        batch_originals: dict[int, TextIdentity] = {}
        # Among posts seen together, the one posted first is the original (listings come newest first).
        for item in sorted(new, key=lambda i: (i.created_at is None, i.created_at or datetime.min, i.id)):
            identity = item.identity
            original = exact.get(identity.text_hash) if identity.text_hash else None
            if original is not None:
                item.duplicate_of, item.duplicate_kind, item.similarity = original, "exact", 1.0
                outcomes["duplicate"] += 1
                continue
            match = None
            if identity.keys:
                nearby = _sharing(identity, in_batch)
                earlier = _screened(identity, nearby, {i: batch_originals[i].signature for i in nearby})
                match = _nearest(identity, {**{i: stored_shingles.get(i) for i in screened[item.id]},
                                            **{i: batch_originals[i].shingles for i in earlier}})
            if match is not None:
                item.duplicate_of, item.duplicate_kind, item.similarity = match[0], "near", match[1]
                outcomes["near duplicate"] += 1
                continue
            outcomes["new"] += 1
            if identity.text_hash:
                exact.setdefault(identity.text_hash, item.id)
            if identity.keys:
                assert identity.signature is not None and identity.basis is not None
                item.minhash = pack(identity.signature)
                batch_originals[item.id] = identity
                for band_key in identity.keys:
                    bucket = in_batch.setdefault(band_key, [])
                    bucket.append(item.id)
                    if len(bucket) > BUCKET_CAP:  # a deque with a maxlen each cost more than the lookups
                        del bucket[0]
        return outcomes

    def add_bands(self, indexed: Sequence[tuple[int, Sequence[BandKey]]]) -> None:
        """Index originals (post id, band keys) for later near-copy lookups.

        Written straight through the driver: an import adds sixteen rows for each original, and
        SQLAlchemy's per-row parameter handling cost more than the insert itself."""
        rows = [(key, band, post_id) for post_id, keys in indexed for band, key in keys]
        if not rows:
            return
        connection = self.session.connection()
        mark = placeholder(connection)
        connection.exec_driver_sql(f'INSERT INTO {PostBandRow.__tablename__} ("key", band, post_id) '
                                   f"VALUES ({mark}, {mark}, {mark})", rows)

    def index(self, row: PostRow) -> None:
        """(Re)index a stored original whose text changed, or a copy that became an original
        because the post it copied was erased."""
        self.forget(row)
        identity = TextIdentity.of(row.title, row.text, self.hasher)
        if identity.signature is not None:
            row.minhash = pack(identity.signature)
            self.add_bands([(row.id, identity.keys)])

    def forget(self, row: PostRow) -> None:
        row.minhash = None
        self.session.execute(delete(PostBandRow).where(PostBandRow.post_id == row.id))

    def _exact_originals(self, hashes: set[str]) -> dict[str, int]:
        originals: dict[str, int] = {}
        for chunk in chunks(sorted(hashes)):
            query = (select(PostRow.text_hash, PostRow.id)
                     .where(PostRow.text_hash.in_(chunk), PostRow.duplicate_of.is_(None),
                            PostRow.tombstoned_at.is_(None))
                     .order_by(PostRow.id))
            for text_hash, post_id in self.session.execute(query):
                if text_hash is not None:  # the where above asks for these hashes
                    originals.setdefault(text_hash, post_id)
        return originals

    def _stored_candidates(self, band_keys: set[BandKey]) -> tuple[dict[BandKey, list[int]], dict[int, np.ndarray]]:
        """For each band key, the newest BUCKET_CAP stored originals that share it; and their
        MinHash signatures. However crowded a key's bucket (posts written from one template share
        band keys by the thousand), each key costs one bounded index range, read newest first."""
        buckets: dict[BandKey, list[int]] = defaultdict(list)
        connection = self.session.connection()
        mark = placeholder(connection)
        one = (f'SELECT band, "key", post_id FROM (SELECT band, "key", post_id FROM {PostBandRow.__tablename__} '
               f'WHERE "key" = {mark} AND band = {mark} ORDER BY post_id DESC LIMIT {BUCKET_CAP}) AS bucket')
        # Through the driver (see placeholder), as one statement of many bounded reads: a batch
        # looks up thousands of keys. SQLite allows 500 SELECTs in a compound one.
        for chunk in chunks(sorted(band_keys), KEYS_PER_STATEMENT):
            parameters = tuple(value for band, key in chunk for value in (key, band))
            for band, key, post_id in connection.exec_driver_sql(" UNION ALL ".join([one] * len(chunk)), parameters):
                buckets[(band, key)].append(post_id)
        signatures: dict[int, np.ndarray] = {}
        for ids_chunk in chunks(sorted({post_id for ids in buckets.values() for post_id in ids})):
            query = select(PostRow.id, PostRow.minhash).where(
                PostRow.id.in_(ids_chunk), PostRow.tombstoned_at.is_(None), PostRow.minhash.is_not(None))
            for post_id, packed in self.session.execute(query):
                if packed is not None:  # the where above leaves none out
                    signatures[post_id] = np.frombuffer(packed, dtype="<u4")
        return buckets, signatures

    def _stored_shingles(self, post_ids: set[int]) -> dict[int, np.ndarray | None]:
        """The shingles of stored posts, from their texts, loaded once for a whole batch."""
        found: dict[int, np.ndarray | None] = {}
        for chunk in chunks(sorted(post_ids)):
            for post_id, title, body in self.session.execute(
                    select(PostRow.id, PostRow.title, PostRow.text).where(PostRow.id.in_(chunk))):
                words = near_basis(title, body)
                found[post_id] = shingles(words) if words else None
        return found


def _sharing(text: TextIdentity, buckets: Mapping[BandKey, Iterable[int]]) -> list[int]:
    """The posts in the text's band buckets, each once, in the order found."""
    return list(dict.fromkeys(post_id for band_key in text.keys for post_id in buckets.get(band_key, ())))


def _screened(text: TextIdentity, candidates: list[int], signatures: Mapping[int, np.ndarray | None]) -> list[int]:
    """The candidates whose MinHash signatures agree enough with the text's to be worth comparing
    exactly: one comparison of all their signatures at once."""
    assert text.signature is not None
    known = [post_id for post_id in candidates if signatures.get(post_id) is not None]
    if not known:
        return []
    stacked = np.stack([np.asarray(signatures[post_id], dtype="<u4") for post_id in known])
    agree = np.count_nonzero(stacked == text.signature.astype("<u4"), axis=1) / stacked.shape[1]
    return [post_id for post_id, share in zip(known, agree, strict=True) if share >= SCREEN]


def _nearest(text: TextIdentity, candidates: Mapping[int, np.ndarray | None]) -> tuple[int, float] | None:
    """The earliest-indexed most similar candidate at or above the threshold, and the similarity."""
    best: tuple[float, int] | None = None
    for post_id, hashes in candidates.items():
        mine = text.shingles  # worked out from the text's letters here, when first compared
        assert mine is not None
        similarity = jaccard(mine, hashes) if hashes is not None else 0.0
        if similarity >= THRESHOLD and (best is None or (similarity, -post_id) > (best[0], -best[1])):
            best = (similarity, post_id)
    return None if best is None else (best[1], round(best[0], 3))

"""Recognising the same text posted again under another id: a repost, a cross-post, a quote.

Two checks, both cheap as the database grows:
- exact: a hash of the words (case, spacing, punctuation and links ignored);
- near: texts whose character 4-gram sets overlap by at least 0.8 (Jaccard), found by MinHash
  LSH. Each text gets 16 band keys; texts sharing a band key are candidates, and only candidates
  are compared exactly. Character shingles need no word segmentation, so Chinese works as well
  as English, and the lookup is an index query, never a scan of every stored post.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from plaint.text import normalize_text

_URL = re.compile(r"https?://\S+|www\.\S+")
_NOT_WORD = re.compile(r"[\W_]+")
# Below this many letters after normalising, texts ("lol", "同意") repeat by chance, not by copying.
MIN_LETTERS = 12
# Near-duplicates need a text long enough for its shingles to say something.
MIN_NEAR_LETTERS = 25
SHINGLE = 4
THRESHOLD = 0.8
BANDS, ROWS = 20, 6  # 120 hash functions, the signature a candidate is screened by
# Band keys looked up and stored: the first 16 bands. A pair at Jaccard 0.8 shares one of them with
# p = 1 - (1 - 0.8**6)**16 = 0.992 (20 gave 0.998, 15 would give 0.990); measured on 5,584
# generated copies at Jaccard 0.80 to 0.85, 99.84% shared one (99.93% with 20). Each kept post
# writes and looks up a fifth fewer band rows. The keys of bands 0-15 are those of before, so
# posts stored with 20 are found as ever (their rows of bands 16-19 are never looked up again).
LSH_BANDS = 16
_PRIME = np.uint64(4294967311)  # the first prime above 2**32: (a*x + b) stays within 64 bits
# Candidates whose signatures agree on less than this share are not worth an exact comparison
# (at 120 hash functions the estimate's standard deviation near 0.8 is about 0.04).
SCREEN = 0.65
_SIGNATURE_BLOCK = 256  # shingles a step of the signature takes: 120 x 256 values, 240 KB


def letters(text: str) -> str:
    """The text reduced to its word characters, in the normal form the lexicons use."""
    return _NOT_WORD.sub("", _URL.sub(" ", normalize_text(text)))


def fingerprint(title: str | None, text: str) -> str | None:
    """A hash of the words of a text, ignoring case, spacing, punctuation and links.

    The body alone decides where it is long enough, so a copy without the title (a Reddit post
    quoted on Weibo) still matches; a short body is taken together with its title.
    """
    return _digest(near_basis(title, text, MIN_LETTERS))


def _digest(words: str | None) -> str | None:
    return None if words is None else hashlib.sha256(words.encode("utf-8")).hexdigest()


def near_basis(title: str | None, text: str, minimum: int = MIN_NEAR_LETTERS, body: str | None = None) -> str | None:
    """The letters a text is compared by: the body, or title and body when the body is short.
    `body` is `letters(text)`, when the caller has it already."""
    words = letters(text) if body is None else body
    if len(words) < minimum:
        words = letters(f"{title or ''} {text}")
    return words if len(words) >= minimum else None


def shingles(words: str) -> np.ndarray:
    """The distinct character 4-grams of `words`, as 32-bit hashes (CRC-32 of their UTF-8)."""
    if words.isascii():  # a character is a byte, a 4-gram four bytes
        data = np.frombuffer(words.encode("ascii"), dtype=np.uint8)
        if data.size < SHINGLE:
            return np.empty(0, dtype=np.uint64)
        end = data.size - SHINGLE + 1
        hashes = _CRC_OF_ZEROS ^ _CRC_OF_BYTE[0][data[:end]]
        for place in range(1, SHINGLE):
            hashes ^= _CRC_OF_BYTE[place][data[place:place + end]]
        return np.unique(hashes)
    grams = {words[i:i + SHINGLE].encode("utf-8") for i in range(len(words) - SHINGLE + 1)}
    return np.unique(np.fromiter(map(zlib.crc32, grams), dtype=np.uint64, count=len(grams)))  # sorted, distinct


def _crc_tables() -> tuple[np.uint64, list[np.ndarray]]:
    """CRC-32 is affine in its message's bits: the CRC of four bytes is the CRC of four zero bytes
    XOR one table entry per byte (what that byte, in that place, changes). So the CRCs of every
    4-gram of an ASCII text come from four array lookups, not a call per gram, and are the same
    numbers zlib.crc32 gives (a test holds them to it)."""
    zeros = zlib.crc32(bytes(SHINGLE))
    tables = [np.array([zlib.crc32(bytes(place) + bytes([value]) + bytes(SHINGLE - place - 1)) ^ zeros
                        for value in range(256)], dtype=np.uint64) for place in range(SHINGLE)]
    return np.uint64(zeros), tables


_CRC_OF_ZEROS, _CRC_OF_BYTE = _crc_tables()


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    inter = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - inter
    return inter / union if union else 0.0


@dataclass(frozen=True)
class MinHasher:
    """MinHash signatures with universal hashes (a*x + b) mod p, and their LSH band keys."""

    seed: int = 20261124

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        object.__setattr__(self, "_a", rng.integers(1, 2**32, BANDS * ROWS, dtype=np.uint64))
        object.__setattr__(self, "_b", rng.integers(0, 2**32, BANDS * ROWS, dtype=np.uint64))

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """The minimum of each hash function over the shingles. Worked in blocks small enough for
        the processor's cache, in place, and `y - (y // p) * p` rather than `y % p`: numpy divides
        by a constant with a multiplication, not so for the remainder. Three times faster, and the
        same numbers."""
        a, b = self._a[:, None], self._b[:, None]  # type: ignore[attr-defined]
        signature = np.full(BANDS * ROWS, np.iinfo(np.uint64).max, dtype=np.uint64)
        width = min(_SIGNATURE_BLOCK, hashes.size)
        values, quotients = np.empty((BANDS * ROWS, width), dtype=np.uint64), np.empty((BANDS * ROWS, width),
                                                                                      dtype=np.uint64)
        for start in range(0, hashes.size, _SIGNATURE_BLOCK):
            block = hashes[None, start:start + _SIGNATURE_BLOCK]
            value, quotient = values[:, :block.shape[1]], quotients[:, :block.shape[1]]
            np.multiply(a, block, out=value)  # a, x < 2**32: a*x + b < 2**64, nothing wraps
            value += b
            np.floor_divide(value, _PRIME, out=quotient)
            quotient *= _PRIME
            value -= quotient
            np.minimum(signature, value.min(axis=1), out=signature)
        return signature

    @staticmethod
    def band_keys(signature: np.ndarray) -> list[int]:
        """One non-negative 63-bit key per band (it fits a BIGINT column on any database)."""
        bands = signature.astype("<u8").reshape(BANDS, ROWS)[:LSH_BANDS]
        return [int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8, person=bytes([band])).digest(),
                               "little") >> 1 for band, row in enumerate(bands)]


def pack(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


BandKey = tuple[int, int]  # (band, key)
HASHER = MinHasher()


@dataclass(frozen=True)
class TextIdentity:
    """What copies of a text are recognised by: the hash of its words (None for texts too short
    to tell a copy from chance), and for texts long enough, the letters it is compared by, its
    MinHash signature and band keys (None, None, ()).

    Computing it is most of the cost of the copy check and needs no database, so an import
    computes it in its worker processes and storage only looks the keys up. The shingles are
    worked out again from the letters where a comparison needs them (a candidate that passed
    the signature screen: a few posts in a thousand), not carried: they were seven times the
    size of the letters, and most of what workers sent the process that writes."""

    text_hash: str | None
    basis: str | None = None
    signature: np.ndarray | None = None
    keys: tuple[BandKey, ...] = field(default=())

    @cached_property
    def shingles(self) -> np.ndarray | None:
        return None if self.basis is None else shingles(self.basis)

    @classmethod
    def of(cls, title: str | None, text: str, hasher: MinHasher = HASHER) -> TextIdentity:
        body = letters(text)  # the hash and the shingles are both taken from it
        text_hash = _digest(near_basis(title, text, MIN_LETTERS, body))
        near = near_basis(title, text, MIN_NEAR_LETTERS, body)
        if near is None:
            return cls(text_hash)
        hashes = shingles(near)
        signature = hasher.signature(hashes)
        identity = cls(text_hash, near, signature, tuple(enumerate(hasher.band_keys(signature))))
        identity.__dict__["shingles"] = hashes  # known already, if this process compares it
        return identity

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as bytes: an import's worker processes send one per kept post, and the process
        that writes unpickled arrays and key tuples object by object three times slower."""
        signature = None if self.signature is None else (self.signature.dtype.str, self.signature.tobytes())
        return (_identity_from_bytes, (self.text_hash, self.basis, signature,
                                       np.array(self.keys, dtype=np.uint64).tobytes()))


def _identity_from_bytes(text_hash: str | None, basis: str | None, signature: tuple[str, bytes] | None,
                         keys: bytes) -> TextIdentity:
    pairs = np.frombuffer(keys, dtype=np.uint64).reshape(-1, 2).tolist()
    array = None if signature is None else np.frombuffer(signature[1], dtype=signature[0])
    return TextIdentity(text_hash, basis, array, tuple((first, second) for first, second in pairs))

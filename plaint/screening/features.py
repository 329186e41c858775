"""What the screening model reads of a text: hashed n-grams, and cues from the lexicons.

N-grams: words and pairs of words; letter 4-grams inside words, so that "misgendered" shares most
of its features with "misgendering" and "misgendring"; and runs of Han characters as 1- to
3-grams, since Chinese is written without spaces and needs no word segmentation this way. Texts
are read in the lexicons' normal form (lower case, NFKC, simplified Chinese). Each n-gram is hashed
into a fixed space of 2^18 places by multiplicative hashes of its code points, computed with numpy
over the whole text at once (a Python loop over words cost ten times more), so a feature's place
never depends on a vocabulary, a library's version or Python's salted `hash`.

Cues are what the lexicons found (which codes fired, whether the author says who they are,
whether the bot is said to override them): with a few dozen real complaints to learn from, a
model does better told these than left to find them.
"""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np

from plaint.config import IDENTITY_GROUPS, STRATEGY_CODES, TYPE_CODES, Config
from plaint.filters.tagging import Tags

FEATURES = "hashed-ngrams-2"  # a model's features: change the name with any change to what they are
DIMENSIONS = 1 << 18
_MASK = DIMENSIONS - 1
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+")
_SEPARATOR = "\x00"  # between words and runs: no n-gram spans it
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_SEEDS = {4: np.uint64(0x51ED27), 1: np.uint64(0xA11CE), 2: np.uint64(0xB0B), 3: np.uint64(0xC0FFEE),
          "word": np.uint64(0x3D5), "pair": np.uint64(0x9A1F)}
_POWERS = np.concatenate([np.ones(1, dtype=np.uint64), np.cumprod(np.full(63, 0x100000001B3, dtype=np.uint64))])
_SHIFT, _MASK64 = np.uint64(29), np.uint64(_MASK)

CUE_CODES = ("companion", "bias", "strong", "complaint", *TYPE_CODES, *STRATEGY_CODES,
             *(f"identity:{group}" for group in IDENTITY_GROUPS), "persona", "overriding", "objection", "card")
CUES = (*(f"lexicon:{code}" for code in CUE_CODES), "lexicon:complaint of bias", "persona and overriding",
        *(f"identity:{group} and overriding" for group in IDENTITY_GROUPS),
        *(f"identity:{group} and persona" for group in IDENTITY_GROUPS),
        *(f"identity:{group} and objection" for group in IDENTITY_GROUPS))


def ngrams(normalized: str) -> tuple[np.ndarray, np.ndarray]:
    """The text's n-gram features as (places, weights): each weight 1 + log(count), since a word
    said five times is not five times the evidence. `normalized` is in `normalize_text` form."""
    latin: list[str] = []
    han: list[str] = []
    for token in _TOKEN.findall(normalized):
        (han if token[0] >= "\u3400" else latin).append(token)
    parts = []
    if latin:
        words = _word_hashes(latin)
        parts.append(_place(words ^ _SEEDS["word"]))
        if len(words) > 1:
            parts.append(_place((words[:-1] * _MULTIPLIER + words[1:]) ^ _SEEDS["pair"]))
        parts.append(_window_hashes("<" + f">{_SEPARATOR}<".join(latin) + ">", 4))  # "<word>\x00<word>"
    if han:
        joined = _SEPARATOR.join(han)
        parts.extend(_window_hashes(joined, size) for size in (1, 2, 3))
    if not parts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    found, counts = np.unique(np.concatenate(parts), return_counts=True)
    return found, (1.0 + np.log(counts)).astype(np.float32)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _word_hashes(words: list[str]) -> np.ndarray:
    """A polynomial hash of each word's code points (letters past the 64th weigh as the 64th)."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    starts = np.cumsum(lengths) - lengths
    position = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)
    terms = _codes("".join(words)) * _POWERS[np.minimum(position, len(_POWERS) - 1)]
    return np.add.reduceat(terms, starts)


def _window_hashes(text: str, size: int) -> np.ndarray:
    """The hashed places of every `size`-character window of `text` that holds no separator."""
    codes = _codes(text)
    if len(codes) < size:
        return np.empty(0, dtype=np.int64)
    count = len(codes) - size + 1
    value = np.full(count, _SEEDS[size], dtype=np.uint64)
    clean = np.ones(count, dtype=bool)
    for offset in range(size):  # arrays of uint64 wrap around 2^64 silently, as a hash wants
        window = codes[offset:offset + count]
        clean &= window != 0
        value = (value ^ window) * _MULTIPLIER
    return _place(value[clean])


def _place(value: np.ndarray) -> np.ndarray:
    """A hash's place among the DIMENSIONS, its bits mixed first (a multiply, then a shift)."""
    value = value * _MULTIPLIER
    value ^= value >> _SHIFT
    return (value & _MASK64).astype(np.int64)


def cues(tags: Tags) -> np.ndarray:
    """The lexicons' findings as numbers, in the order of `CUES`."""
    terms = tags.terms
    found = [code in terms for code in CUE_CODES]
    found.append(tags.companion and tags.bias)
    found.append("persona" in terms and "overriding" in terms)
    groups = [f"identity:{group}" in terms for group in IDENTITY_GROUPS]
    for other in ("overriding", "persona", "objection"):
        found.extend(present and other in terms for present in groups)
    return np.asarray(found, dtype=np.float32)


_LEXICONS = ("apps", "companion_terms", "companion_communities", "bias_terms", "complaint_terms", "exclude_terms",
             "identity", "persona_terms", "overriding_terms", "objection_terms", "card_terms", "types", "strategies")


def lexicon_fingerprint(config: Config) -> str:
    """A digest of the lexicons cues are read with: a model's card records the one it was trained
    with, so that a run whose keywords.yaml says otherwise can say its scores may shift."""
    lexicons = {name: getattr(config, name) for name in _LEXICONS}
    return hashlib.sha256(json.dumps(lexicons, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]

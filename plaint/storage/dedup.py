"""Recognising the same text posted again under another id (a repost, a cross-post)."""

from __future__ import annotations

import hashlib
import re

from plaint.filters.lexicon import normalize_text

_URL = re.compile(r"https?://\S+|www\.\S+")
_NOT_WORD = re.compile(r"[\W_]+")
# Below this many letters after normalising, texts ("lol", "同意") repeat by chance, not by copying.
MIN_LETTERS = 12


def fingerprint(title: str | None, text: str) -> str | None:
    """A hash of the words of a text, ignoring case, spacing, punctuation and links.

    The body alone decides where it is long enough, so a copy without the title (a Reddit post
    quoted on Weibo) still matches; a short body is taken together with its title.
    """
    words = _letters(text)
    if len(words) < MIN_LETTERS:
        words = _letters(f"{title or ''} {text}")
    if len(words) < MIN_LETTERS:
        return None
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def _letters(text: str) -> str:
    return _NOT_WORD.sub("", _URL.sub(" ", normalize_text(text)))

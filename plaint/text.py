"""The one normal form texts are compared in, by the lexicons, the screening model and the copy
check alike: NFKC (full-width "ＯＯＣ" is "OOC"), straight quotes, lower case, single spaces, and
simplified Chinese (OpenCC), so that a term written in simplified characters finds traditional ones
and a repost converted to traditional characters is still a copy."""

from __future__ import annotations

import re
import unicodedata

import opencc

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TO_SIMPLIFIED = opencc.OpenCC("t2s")
_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'))


def normalize_text(text: str) -> str:
    """The form both terms and texts are compared in: one space between words, too."""
    if text.isascii():  # most English text: NFKC, the quotes and OpenCC would change nothing
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text)
    for curly, straight in _QUOTES:  # str.translate looks up every character: slower
        text = text.replace(curly, straight)
    text = " ".join(text.lower().split())
    return _TO_SIMPLIFIED.convert(text) if HAN.search(text) else text

"""Matching keywords.yaml terms against text, and saying which terms fired.

English terms match whole words (so "fat" is not found in "fathom", "ass" not in "class"); a `*`
at the end of a word matches any ending; a `..` between words stands for up to three other words
(six characters in Chinese), so "edit* .. message" matches "edited the bot's message". Terms with
Han characters match anywhere, as Chinese is written without spaces. Texts and terms are compared
in one normal form: NFKC (full-width "ＯＯＣ" is "OOC"), lower case, and simplified Chinese (OpenCC),
so a term written in simplified characters also finds traditional ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import opencc

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TO_SIMPLIFIED = opencc.OpenCC("t2s")
GAP = ".."
_WORD_GAP = r"(?:\s+\S+){0,3}?\s+"
_HAN_GAP = r"[^\n]{0,6}?"
_WORD_EDGE_BEFORE = r"(?<![A-Za-z0-9])"
_WORD_EDGE_AFTER = r"(?![A-Za-z0-9])"
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalize_text(text: str) -> str:
    """The form both terms and texts are compared in."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return _TO_SIMPLIFIED.convert(text) if _HAN.search(text) else text


def term_pattern(term: str) -> str:
    """The regular expression for one term, following the rules in keywords.yaml."""
    term = normalize_text(term.strip())
    han = bool(_HAN.search(term))
    words = term.split()
    parts: list[str] = []
    for index, word in enumerate(words):
        if word == GAP:
            if 0 < index < len(words) - 1:
                parts.append(_HAN_GAP if han else _WORD_GAP)
            continue
        if parts and parts[-1] not in (_HAN_GAP, _WORD_GAP):
            parts.append(r"\s*" if han else r"\s+")
        parts.append(re.escape(word[:-1]) + r"[a-z0-9'\-]*" if word.endswith("*") else re.escape(word))
    body = "".join(parts)
    if han:
        return body
    # Edges only where the term itself starts or ends with a letter or digit ("(ooc" has none).
    first, last = words[0], words[-1]
    before = _WORD_EDGE_BEFORE if first[:1].isalnum() else ""
    after = _WORD_EDGE_AFTER if (last.endswith("*") or last[-1:].isalnum()) else ""
    return before + body + after


class Lexicon:
    """A set of named term lists (a code and its terms), compiled once."""

    def __init__(self, terms: Mapping[str, Sequence[str]]) -> None:
        self._patterns: dict[str, tuple[re.Pattern[str], tuple[str, ...]]] = {}
        for code, code_terms in terms.items():
            unique = tuple(dict.fromkeys(t for t in code_terms if t.strip()))
            if not unique:
                continue
            alternation = "|".join(f"(?P<t{i}>{term_pattern(t)})" for i, t in enumerate(unique))
            self._patterns[code] = (re.compile(alternation), unique)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._patterns)

    def mask(self, text: str) -> str:
        """The text with every match blanked out (for exclusions: "无穷" is not "穷")."""
        for pattern, _ in self._patterns.values():
            text = pattern.sub(lambda m: " " * len(m.group()), text)
        return text

    def matches(self, text: str, normalized: bool = False) -> dict[str, list[str]]:
        """For each code with a hit, the distinct terms that fired, in order of appearance."""
        if not normalized:
            text = normalize_text(text)
        found: dict[str, list[str]] = {}
        for code, (pattern, terms) in self._patterns.items():
            fired = _fired_terms(pattern.finditer(text), terms)
            if fired:
                found[code] = fired
        return found


def _fired_terms(hits: Iterable[re.Match[str]], terms: tuple[str, ...]) -> list[str]:
    fired: dict[str, None] = {}
    for hit in hits:
        assert hit.lastgroup is not None
        fired[terms[int(hit.lastgroup[1:])]] = None
    return list(fired)

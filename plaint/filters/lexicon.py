"""Matching keywords.yaml terms against text, and saying which terms fired.

English terms match whole words (so "fat" is not found in "fathom", "ass" not in "class"); a
trailing `*` matches any word ending. Terms with Han characters match anywhere, as Chinese is
written without spaces. Text is NFKC-normalised first, so full-width "ＯＯＣ" is "OOC".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_EDGE_BEFORE = r"(?<![A-Za-z0-9])"
_WORD_EDGE_AFTER = r"(?![A-Za-z0-9])"
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def normalize_text(text: str) -> str:
    """The form both terms and texts are compared in."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()


def term_pattern(term: str) -> str:
    """The regular expression for one term, following the rules in keywords.yaml."""
    term = normalize_text(term.strip())
    wildcard = term.endswith("*")
    if wildcard:
        term = term[:-1]
    body = r"\s+".join(re.escape(word) for word in term.split())
    if wildcard:
        body += r"[a-z0-9'\-]*"
    if _HAN.search(term):
        return body
    # Edges only where the term itself starts or ends with a letter or digit ("(ooc" has none).
    before = _WORD_EDGE_BEFORE if term[:1].isalnum() else ""
    after = _WORD_EDGE_AFTER if (wildcard or term[-1:].isalnum()) else ""
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

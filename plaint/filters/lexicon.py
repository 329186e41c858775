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
from collections.abc import Mapping, Sequence

import ahocorasick
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
    """The form both terms and texts are compared in: one space between words, too."""
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).lower().split())
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
    """A set of named term lists (a code and its terms), compiled once.

    Matching a thousand terms one regular expression at a time would cost milliseconds a post.
    Instead each term has a needle, its longest literal piece, which must appear in any text the
    term matches; one Aho-Corasick pass (pyahocorasick) over the text finds the needles present,
    and only those terms' expressions are tried.
    """

    def __init__(self, terms: Mapping[str, Sequence[str]]) -> None:
        self._terms: list[tuple[str, str, re.Pattern[str]]] = []  # (code, term, pattern)
        self._codes: list[str] = []
        needles: dict[str, list[int]] = {}
        for code, code_terms in terms.items():
            unique = tuple(dict.fromkeys(t for t in code_terms if t.strip()))
            if unique:
                self._codes.append(code)
            for term in unique:
                needles.setdefault(_needle(term), []).append(len(self._terms))
                self._terms.append((code, term, re.compile(term_pattern(term))))
        self._automaton = ahocorasick.Automaton()
        for needle, indexes in needles.items():
            self._automaton.add_word(needle, tuple(indexes))
        if needles:
            self._automaton.make_automaton()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._codes)

    def _hits(self, text: str) -> list[tuple[int, int, re.Match[str]]]:
        """(start, term index, match) of every term found, in order of first appearance."""
        if not self._terms or not text:
            return []
        candidates: set[int] = set()
        for _, indexes in self._automaton.iter(text):
            candidates.update(indexes)
        hits = []
        for index in candidates:
            match = self._terms[index][2].search(text)
            if match:
                hits.append((match.start(), index, match))
        hits.sort(key=lambda hit: (hit[0], hit[1]))
        return hits

    def mask(self, text: str) -> str:
        """The text with every match blanked out (for exclusions: "无穷" is not "穷")."""
        for _, index, _ in self._hits(text):
            text = self._terms[index][2].sub(lambda m: " " * len(m.group()), text)
        return text

    def matches(self, text: str, normalized: bool = False) -> dict[str, list[str]]:
        """For each code with a hit, the distinct terms that fired, in order of appearance."""
        if not normalized:
            text = normalize_text(text)
        found: dict[str, list[str]] = {}
        for _, index, _ in self._hits(text):
            code, term, _ = self._terms[index]
            found.setdefault(code, []).append(term)
        return found


def _needle(term: str) -> str:
    """The longest literal piece of a term, which every match contains verbatim (texts are
    normalised to single spaces): a run of whole words, ending at most in a wildcard's prefix."""
    runs: list[str] = []
    current: list[str] = []
    for word in normalize_text(term.strip()).split():
        if word == GAP:
            runs.append(" ".join(current))
            current = []
        elif word.endswith("*"):
            current.append(word[:-1])
            runs.append(" ".join(current))
            current = []
        else:
            current.append(word)
    runs.append(" ".join(current))
    return max((run for run in runs if run), key=len, default=term)

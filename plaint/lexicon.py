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
from collections.abc import Mapping, Sequence

import ahocorasick_rs

from plaint.text import HAN as _HAN
from plaint.text import normalize_text

GAP = ".."
_WORD_GAP = r"(?:\s+\S+){0,3}?\s+"
_HAN_GAP = r"[^\n]{0,6}?"
_WORD_EDGE_BEFORE = r"(?<![A-Za-z0-9])"
_WORD_EDGE_AFTER = r"(?![A-Za-z0-9])"
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


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
    term matches; one Aho-Corasick pass (ahocorasick-rs) over the text finds the needles present,
    and only those terms' expressions are tried.
    """

    def __init__(self, terms: Mapping[str, Sequence[str]]) -> None:
        self._terms: list[tuple[str, str, str]] = []  # (code, term, regular expression)
        # Each term's expression compiled when first needed: compiling all of them took three
        # quarters of the lexicons' start-up (most terms are found by their needle alone).
        self._compiled: dict[int, re.Pattern[str]] = {}
        self._codes: list[str] = []
        # For a term that is its needle (most are), the word edges it needs, so a needle found
        # is a match found without trying the expression; None for the others.
        self._literal: list[tuple[bool, bool] | None] = []
        needles: dict[str, list[int]] = {}
        for code, code_terms in terms.items():
            unique = tuple(dict.fromkeys(t for t in code_terms if t.strip()))
            if unique:
                self._codes.append(code)
            for term in unique:
                needles.setdefault(_needle(term), []).append(len(self._terms))
                self._terms.append((code, term, term_pattern(term)))
                self._literal.append(_literal_edges(term))
        # Overlapping matches: "ai" inside "ai companion" must be found as well as the longer needle.
        self._needles = list(needles.values())
        self._automaton = ahocorasick_rs.AhoCorasick(list(needles)) if needles else None

    def _pattern(self, index: int) -> re.Pattern[str]:
        pattern = self._compiled.get(index)
        if pattern is None:
            pattern = self._compiled[index] = re.compile(self._terms[index][2])
        return pattern

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._codes)

    def candidates(self, text: str) -> dict[int, int | None]:
        """The terms that can match the text, as (term index: where it matched), the place left
        None where the term's expression must still be tried. A term whose needle is absent
        cannot match."""
        found: dict[int, int | None] = {}
        if self._automaton is None or not text:
            return found
        for needle, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            for index in self._needles[needle]:
                if found.get(index) is not None:
                    continue  # matched earlier in the text
                edges = self._literal[index]
                if edges is None:
                    found[index] = None
                elif (not edges[0] or start == 0 or text[start - 1] not in _ASCII_ALNUM) and (
                        not edges[1] or end == len(text) or text[end] not in _ASCII_ALNUM):
                    found[index] = start
        return found

    def confirmed(self, text: str, candidates: Mapping[int, int | None]) -> list[tuple[int, int]]:
        """(start, term index) of each candidate that matches, in order of appearance."""
        hits = []
        for index, start in candidates.items():
            if start is None:
                match = self._pattern(index).search(text)
                if match is None:
                    continue
                start = match.start()
            hits.append((start, index))
        hits.sort()
        return hits

    def found(self, text: str, candidates: Mapping[int, int | None]) -> dict[str, list[str]]:
        """For each code with a hit among the candidates, the distinct terms that fired, in order of appearance."""
        found: dict[str, list[str]] = {}
        terms = self._terms
        for _, index in self.confirmed(text, candidates):
            code, term, _ = terms[index]
            if code in found:
                found[code].append(term)
            else:
                found[code] = [term]
        return found

    def indexes_of(self, code: str) -> frozenset[int]:
        """The term indexes of one code."""
        return frozenset(i for i, (term_code, _, _) in enumerate(self._terms) if term_code == code)

    def mask(self, text: str, candidates: Mapping[int, int | None] | None = None) -> str:
        """The text with every match blanked out (for exclusions: "无穷" is not "穷")."""
        candidates = self.candidates(text) if candidates is None else candidates
        for _, index in self.confirmed(text, candidates):
            text = self._pattern(index).sub(lambda m: " " * len(m.group()), text)
        return text

    def matches(self, text: str, normalized: bool = False) -> dict[str, list[str]]:
        """For each code with a hit, the distinct terms that fired, in order of appearance."""
        if not normalized:
            text = normalize_text(text)
        return self.found(text, self.candidates(text))


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


def _literal_edges(term: str) -> tuple[bool, bool] | None:
    """For a term whose expression matches exactly its needle within word edges (no `..`, a `*`
    only at the end of an English term, no spaces in a Chinese one): whether it needs an edge
    before and after. None for any other term."""
    words = normalize_text(term.strip()).split()
    if not words or GAP in words or any(word.endswith("*") for word in words[:-1]):
        return None
    if _HAN.search(term):
        return (False, False) if len(words) == 1 and not words[0].endswith("*") else None
    last = words[-1]
    if last == "*":
        return None
    # A trailing `*` takes every letter that follows, so the edge after it always holds.
    return words[0][:1].isalnum(), (not last.endswith("*") and last[-1:].isalnum())

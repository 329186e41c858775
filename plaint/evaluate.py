"""How good the relevance filter and the coding suggestions are, on a labelled set of texts.

A labelled line is `{"text", "title"?, "platform"?, "community"?, "relevant", "types", "strategies"}`.
Relevance is scored on every line; types and strategies only on lines labelled relevant, since codes
are applied to the corpus, and the corpus is the relevant posts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plaint.config import STRATEGY_CODES, TYPE_CODES
from plaint.errors import PlaintError
from plaint.filters.relevance import Tagger


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    texts: int = 0
    relevance: Score = field(default_factory=Score)
    types: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in TYPE_CODES})
    strategies: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in STRATEGY_CODES})
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def types_macro_f1(self) -> float:
        return sum(s.f1 for s in self.types.values()) / len(self.types)

    @property
    def strategies_macro_f1(self) -> float:
        return sum(s.f1 for s in self.strategies.values()) / len(self.strategies)


def read_labelled(path: Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                assert isinstance(row, dict) and isinstance(row["text"], str)
                assert isinstance(row["relevant"], bool)
            except (ValueError, KeyError, AssertionError):
                raise PlaintError(f"{path}, line {number}: expected an object with \"text\" and a "
                                  "true/false \"relevant\"") from None
            rows.append(row)
    return rows


def evaluate(tagger: Tagger, rows: Iterable[dict[str, Any]]) -> Evaluation:
    result = Evaluation()
    for row in rows:
        result.texts += 1
        tags = tagger.tag(row["text"], row.get("title"), row.get("platform"), row.get("community"))
        result.relevance.add(tags.relevant, row["relevant"])
        wrong: dict[str, Any] = {}
        if tags.relevant != row["relevant"]:
            wrong["relevant"] = tags.relevant
        if row["relevant"]:
            for kind, scores, predicted in (("types", result.types, tags.types),
                                            ("strategies", result.strategies, tags.strategies)):
                actual = set(row.get(kind, []))
                for code, score in scores.items():
                    score.add(code in predicted, code in actual)
                if set(predicted) != actual:
                    wrong[kind] = {"missed": sorted(actual - set(predicted)),
                                   "extra": sorted(set(predicted) - actual)}
        if wrong:
            result.errors.append({"id": row.get("id"), **wrong, "terms": tags.terms})
    return result

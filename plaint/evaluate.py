"""How good relevance and the coding suggestions are, on labelled texts.

A labelled line is `{"text", "title"?, "platform"?, "community"?, "relevant", "types", "strategies"}`.
Relevance is scored per tier on every line (a text counts as found when it lands in one of the
tiers asked for); types and strategies only on lines labelled relevant, since codes are applied
to the corpus, and the corpus is the relevant posts. Ranking is scored as screening studies do:
the work saved over reading in random order, at a recall of 95%.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plaint.config import STRATEGY_CODES, TYPE_CODES
from plaint.errors import PlaintError
from plaint.filters.relevance import Judgement, Screen


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
    complaint: Score = field(default_factory=Score)  # found: in the complaint tier
    kept: Score = field(default_factory=Score)  # found: in the complaint or review tier
    tiers: dict[str, int] = field(default_factory=dict)  # texts per tier
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


def evaluate(screen: Screen, rows: Iterable[dict[str, Any]]) -> Evaluation:
    """Judge every row with `screen` and score the judgements against the labels."""
    rows = list(rows)
    judgements = [screen.judge(r["text"], r.get("title"), r.get("platform"), r.get("community"), explain=True)
                  for r in rows]
    return score_judgements(rows, judgements)


def score_judgements(rows: Sequence[dict[str, Any]], judgements: Sequence[Judgement]) -> Evaluation:
    result = Evaluation()
    for row, judgement in zip(rows, judgements, strict=True):
        result.texts += 1
        result.tiers[judgement.tier] = result.tiers.get(judgement.tier, 0) + 1
        actual = bool(row["relevant"])
        result.complaint.add(judgement.tier == "complaint", actual)
        result.kept.add(judgement.kept, actual)
        wrong: dict[str, Any] = {}
        if judgement.kept != actual:
            wrong["tier"] = judgement.tier
        if actual:
            tags = judgement.tags
            for kind, scores, predicted in (("types", result.types, tags.types),
                                            ("strategies", result.strategies, tags.strategies)):
                expected = set(row.get(kind, []))
                for code, score in scores.items():
                    score.add(code in predicted, code in expected)
                if set(predicted) != expected:
                    wrong[kind] = {"missed": sorted(expected - set(predicted)),
                                   "extra": sorted(set(predicted) - expected)}
        if wrong:
            result.errors.append({"id": row.get("id"), "score": judgement.score, **wrong,
                                  "terms": judgement.tags.terms})
    return result


def work_saved(labels: Sequence[bool], scores: Sequence[float | None], recall: float = 0.95) -> float | None:
    """WSS@recall: the share of texts a reviewer need not read, reading in score order (texts
    without a score last), to find `recall` of the complaints, minus what random order saves
    (1 - recall). None when the complaints cannot all be ranked (some have no score and the
    recall needs them): then the reviewer reads everything."""
    ranked = sorted(zip(scores, labels, strict=False), key=lambda pair: -1.0 if pair[0] is None else -pair[0])
    needed = math.ceil(recall * sum(labels))
    if not needed:
        return None
    found = 0
    for read, (score, label) in enumerate(ranked, 1):
        if label and score is None:
            return None
        found += bool(label)
        if found >= needed:
            return (len(ranked) - read) / len(ranked) - (1 - recall)
    return None

"""Relevance, in two steps as in systematic reviews: the lexicons' cheap first pass, cast wide
for recall (filters/tagging.py), then the screening model's score, which sorts what passed into
tiers: `complaint` (high score), `review` (uncertain, for a person to screen) or dropped.

The thresholds are in keywords.yaml (`screening`). Codes are suggested for the kept tiers from the
lexicons, with the terms that fired, for the human coder and for `plaint tag --explain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plaint.config import Config, ScreeningSettings
from plaint.filters import Verdict
from plaint.filters.tagging import Tagger, Tags
from plaint.post import COMPLAINT, DROPPED, REVIEW, TIERS, Post
from plaint.screening.features import lexicon_fingerprint
from plaint.screening.model import Scorer, packaged_model
from plaint.text import normalize_text

BELOW_REVIEW = "screening score below the review tier"
TIER_STAGE, MODEL_STAGE = "tier", "model"  # the run's counts: posts scored into each tier, and by which model


@dataclass(frozen=True)
class Judgement:
    """What relevance concluded of one text: its tier, the model's score (None when the first
    pass stopped it) and what the lexicons found."""

    tier: str
    score: float | None
    tags: Tags

    @property
    def kept(self) -> bool:
        return self.tier in TIERS

    @property
    def reason(self) -> str:
        if self.score is None:
            return self.tags.reason
        return self.tier if self.kept else BELOW_REVIEW


class Screen:
    """The lexicons and the model together; one instance serves a whole run."""

    def __init__(self, config: Config, model: Scorer | None = None) -> None:
        self.tagger = Tagger(config)
        self.model = model or packaged_model()
        self.thresholds: ScreeningSettings = config.screening
        # How the run's counts and the methods manifest name the model and thresholds that scored
        # (a count's outcome holds 64 characters).
        self.described = (f"{self.model.version} (complaint >= {self.thresholds.complaint:g}, "
                          f"review >= {self.thresholds.review:g})")[:64]
        trained_with = self.model.card.get("lexicons")
        # The model's cues come from the lexicons: other lexicons than it was trained with move its scores.
        self.lexicons_differ = trained_with is not None and trained_with != lexicon_fingerprint(config)

    def judge(self, text: str, title: str | None = None, platform: str | None = None,
              community: str | None = None, explain: bool = False) -> Judgement:
        """The tier of a text. `explain` names every code and term even of texts the first pass
        stops (for `plaint tag --explain`); otherwise those are left unnamed, which is cheaper."""
        body = normalize_text("\n".join(part for part in (title, text) if part))
        tags = (self.tagger.tag_normalized if explain else self.tagger.screen)(body, platform, community)
        if not tags.candidate:
            return Judgement(DROPPED, None, tags)
        score = self.model.score(body, tags)
        return Judgement(self.tier(score), score, tags)

    def tier(self, score: float) -> str:
        if score >= self.thresholds.complaint:
            return COMPLAINT
        return REVIEW if score >= self.thresholds.review else DROPPED


class RelevanceFilter:
    name = "relevance"

    def __init__(self, screen: Screen) -> None:
        self.screen = screen

    def check(self, post: Post) -> Verdict:
        judgement = self.screen.judge(post.text, post.title, post.platform, post.community)
        tags = judgement.tags
        notes: dict[str, Any] = {"tier": judgement.tier, "score": judgement.score, "types": tags.types,
                 "strategies": tags.strategies, "terms": tags.terms}
        if judgement.score is not None:  # passed the first pass: scored, by this model, into a tier
            notes["counted"] = ((TIER_STAGE, judgement.tier), (MODEL_STAGE, self.screen.described))
        return Verdict(judgement.kept, judgement.reason, notes)

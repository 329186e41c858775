"""`plaint rescore`: the screening model's tiers for the posts already stored, after the model
has learnt this study's decisions.

Posts stored before the screening model have no tier, and a new model, new thresholds or new
decisions move posts between tiers. A post the model now drops stays stored, in the `dropped`
tier, out of the corpus and the candidate list: nothing is deleted, and the next rescore may
bring it back. A person's decision outranks any tier (storage/screenings.py).

`learn` fits the study model (screening/study.py) on the decisions so far, when there are enough
of both kinds, and stores it; otherwise the shipped model scores, and it says why. `plaint
rescore` and the review page (every N decisions) both go through `learn_and_rescore`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plaint.config import Config
from plaint.errors import PlaintError
from plaint.filters.relevance import Screen
from plaint.filters.tagging import Tagger
from plaint.post import DROPPED
from plaint.screening.model import Scorer, packaged_model
from plaint.screening.study import Labelled, StaleModel, fit_study, from_bytes
from plaint.storage.database import Database
from plaint.storage.readout import UNSCORED
from plaint.storage.screenings import decision_count, labelled_posts, load_study_model, save_study_model
from plaint.storage.tiers import save_tiers, stored_texts, texts_of
from plaint.text import normalize_text


@dataclass
class RescoreResult:
    scored: int = 0
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)  # (tier before, tier now) -> posts


def rescore(database: Database, screen: Screen, progress: Callable[[int], None] | None = None) -> RescoreResult:
    result = RescoreResult()
    for batch in stored_texts(database):
        updates = []
        for post in batch:
            judgement = screen.judge(post.text, post.title, post.platform, post.community)
            tags = judgement.tags
            tier = judgement.tier if judgement.kept else DROPPED
            updates.append({"id": post.id, "tier": tier, "relevance_score": judgement.score, "types": tags.types,
                            "strategies": tags.strategies, "terms": tags.terms})
            result.moves[(post.tier or UNSCORED, tier)] += 1
        save_tiers(database, updates)
        result.scored += len(batch)
        if progress is not None:
            progress(len(batch))
    return result


@dataclass
class Learning:
    """What scores the stored posts now, and why, in words."""

    model: Scorer
    note: str
    comparison: dict[str, Any] | None = None  # the study model against the shipped one, cross-validated
    decisions: int = 0  # decisions stored when it was decided


def learn(database: Database, config: Config) -> Learning:
    """Fit the study model on this database's confirmed and rejected posts and store it; or, with
    too few of either, say that the shipped model scores."""
    base = packaged_model()
    decisions = decision_count(database)
    labels = dict(labelled_posts(database))
    tagger = Tagger(config)
    examples = []
    for post in texts_of(database, list(labels)):
        body = normalize_text("\n".join(part for part in (post.title, post.text) if part))
        tags = tagger.tag_normalized(body, post.platform, post.community)
        if tags.candidate:  # the model never scores a text the first pass stops
            examples.append(Labelled(post.id, body, tags, labels[post.id]))
    try:
        fitted = fit_study(examples, base, (config.screening.complaint, config.screening.review),
                           card={"decisions": decisions})
    except PlaintError as exc:
        return Learning(base, f"the shipped model {base.version} scores: {exc}", None, decisions)
    save_study_model(database, fitted.model.to_bytes(), fitted.model.card)
    card = fitted.model.card
    return Learning(fitted.model, f"the study model {fitted.model.version} (stacked on {base.version}) scores: "
                    f"fitted on {card['complaints']} confirmed and {card['not_complaints']} rejected posts",
                    fitted.comparison, decisions)


def stored_model(database: Database) -> Scorer | None:
    """The study model stored in this database, or None (none yet, or fitted for another shipped
    model: the next rescore fits it again)."""
    stored = load_study_model(database)
    if stored is None:
        return None
    try:
        return from_bytes(stored[0], stored[1], packaged_model())
    except StaleModel:
        return None


def learn_and_rescore(database: Database, config: Config, progress: Callable[[int], None] | None = None
                      ) -> tuple[Learning, Screen, RescoreResult]:
    learning = learn(database, config)
    screen = Screen(config, learning.model)
    return learning, screen, rescore(database, screen, progress)


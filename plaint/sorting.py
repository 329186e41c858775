"""The filter chain applied to posts: each goes to storage (kept), to erasure (gone from the
platform), to the list of minors, or nowhere, and the reason is counted.

The pipeline sorts scraped posts in its own process; an import's worker processes (workers.py)
each sort with a Sorter of their own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from plaint.config import Config
from plaint.filters import Filter
from plaint.filters.language import LanguageDetector, LanguageFilter
from plaint.filters.relevance import RelevanceFilter, Screen
from plaint.filters.tos import GONE_REASONS, MINOR_REASON, TosFilter
from plaint.identity import TextIdentity
from plaint.post import Annotations, Author, Post
from plaint.prescreen import STAGE as PRESCREEN_STAGE
from plaint.prescreen import Prescreen, Skipped
from plaint.screening.model import Scorer

if TYPE_CHECKING:  # not imported at run time: workers need no SQLAlchemy
    from plaint.storage.runs import CountKey


def build_filters(config: Config, detector: LanguageDetector | None = None,
                  screen: Screen | None = None) -> list[Filter]:
    """The filter chain, cheapest first: field checks, then the lexicons and the screening
    model, then langdetect."""
    return [
        TosFilter(config.tos),
        RelevanceFilter(screen or Screen(config)),
        LanguageFilter(config.languages, config.tos.language_undetermined == "keep", detector),
    ]


# A post dated more than a day ahead of the clock (a wrong zone, milliseconds read as seconds, a
# typing slip) is stored as found, but counted, so the summary can say its dates need a look.
FUTURE_MARGIN = timedelta(days=1)
SUSPICIOUS, DATED_AHEAD = "suspicious", "dated after tomorrow"


# Where a sorted post goes. Worker processes send these back to the one that writes, pickled.
@dataclass(frozen=True, slots=True)
class Kept:
    """A post to store, with what the filters found in it."""

    post: Post
    notes: Annotations


@dataclass(frozen=True, slots=True)
class Gone:
    """A post the platform shows as deleted or private: any stored copy is erased."""

    post: Post


@dataclass(frozen=True, slots=True)
class Minor:
    """An author who stated an age under 18: remembered, so never contacted."""

    author: Author


Outcome = Kept | Gone | Minor


class Sorter:
    """The filter chain applied to one post at a time: where the post goes, and why, counted.

    The pipeline sorts in-process; an import's worker processes each have their own Sorter,
    which also computes a kept post's copy identity there, away from the one process that writes."""

    def __init__(self, config: Config, identities: bool = False, model: Scorer | None = None) -> None:
        """`model`: what scores posts (default: the shipped model; a run on a database with a
        study model passes that)."""
        self.detector = LanguageDetector()
        self.screen = Screen(config, model)
        self.filters = build_filters(config, self.detector, self.screen)
        self.identities = identities
        # For imports: records it skips arrive here as Skipped, in their places, to be counted.
        self.prescreen = Prescreen(self.screen.tagger)

    def sort(self, post: Post | Skipped, counts: Counter[CountKey], source: str) -> Outcome | None:
        """Counts are kept per source: a platform when scraping, a file when importing."""
        if isinstance(post, Skipped):  # found, and stopped by the prescreen for the first pass
            counts[(source, "found", post.kind)] += 1
            counts[(source, PRESCREEN_STAGE, post.reason)] += 1
            return None
        counts[(source, "found", post.kind.value)] += 1
        if post.created_at is not None and post.created_at > datetime.now(UTC) + FUTURE_MARGIN:
            counts[(source, SUSPICIOUS, DATED_AHEAD)] += 1  # kept as found; the summary says so
        notes: dict[str, Any] = {}  # what the filters found, merged
        for check in self.filters:
            verdict = check.check(post)
            for stage, outcome in verdict.notes.get("counted", ()):
                counts[(source, stage, outcome)] += 1
            if not verdict.keep:
                counts[(source, check.name, verdict.reason)] += 1
                if verdict.reason in GONE_REASONS:
                    return Gone(post)
                if verdict.reason == MINOR_REASON and post.author is not None:
                    return Minor(post.author)
                return None
            notes.update(verdict.notes)
        counts[(source, "kept", "kept")] += 1
        return Kept(post, Annotations(
            language=notes.get("language"), tier=notes.get("tier"), score=notes.get("score"),
            types=notes.get("types", []),
            strategies=notes.get("strategies", []), terms=notes.get("terms", {}),
            no_contact=notes.get("no_contact"),
            identity=TextIdentity.of(post.title, post.text) if self.identities else None))

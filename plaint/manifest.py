"""The methods manifest that goes next to every export: how the corpus came to be, in numbers a
methods section can cite (found -> excluded -> kept -> sampled), and what the routes could not see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from plaint import __version__, platforms
from plaint.filters.relevance import MODEL_STAGE, TIER_STAGE
from plaint.filters.tagging import NO_TERM, NOT_COMPANION
from plaint.post import COMPLAINT, DROPPED, REVIEW
from plaint.prescreen import STAGE as PRESCREEN_STAGE
from plaint.storage.database import Database
from plaint.storage.readout import corpus_counts, provenance, stage_totals, tier_counts
from plaint.storage.screenings import (
    AUTO,
    CONFIRMED,
    DISPUTED,
    REJECTED,
    UNDECIDED,
    UNSCREENED,
    load_study_model,
    reviewers,
    status_counts,
)


class ExportChoices(Protocol):
    """What the manifest reports of how the corpus was exported (export.ExportOptions has these)."""

    @property
    def statuses(self) -> tuple[str, ...]: ...

    @property
    def sample(self) -> int | None: ...

    @property
    def seed(self) -> int | None: ...

    @property
    def stratify(self) -> str | None: ...

    @property
    def identified(self) -> bool: ...


FIRST_PASS_REASONS = (NOT_COMPANION, NO_TERM)


def _sum(totals: dict[tuple[str, str], int], stage: str, outcomes: Sequence[str] | None = None) -> int:
    return sum(n for (s, o), n in totals.items() if s == stage and (outcomes is None or o in outcomes))


def build_manifest(database: Database, rows: Sequence[dict[str, Any]], available: int,
                   options: ExportChoices, filename: str) -> dict[str, Any]:
    statuses = options.statuses
    totals = stage_totals(database)
    counts = corpus_counts(database, statuses)
    origin = provenance(database, statuses)
    screening = status_counts(database)
    now_in = tier_counts(database)
    study = load_study_model(database)
    dates = sorted(r["created_at"] for r in rows if r["created_at"])
    reasons = lambda stage: {o: n for (s, o), n in sorted(totals.items()) if s == stage}  # noqa: E731
    return {
        "file": filename,
        "tool": f"plaint {__version__}",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "platforms": sorted({r["platform"] for r in rows}),
        "routes": origin["routes"],
        "queries": origin["queries"],
        "runs": {"count": origin["runs"], "first": origin["first_run"], "last": origin["last_run"]},
        "date_range": {"first_post": dates[0] if dates else None, "last_post": dates[-1] if dates else None},
        "flow": {
            "found": _sum(totals, "found"),
            "skipped_by_prescreen": _sum(totals, PRESCREEN_STAGE),
            "excluded_terms_of_service": _sum(totals, "tos"),
            "stopped_by_first_pass": _sum(totals, "relevance", FIRST_PASS_REASONS),
            "passed_first_pass": _sum(totals, TIER_STAGE),
            "scored_complaint_tier": _sum(totals, TIER_STAGE, (COMPLAINT,)),
            "scored_review_tier": _sum(totals, TIER_STAGE, (REVIEW,)),
            "scored_below_review_tier": _sum(totals, TIER_STAGE, (DROPPED,)),
            "not_relevant": _sum(totals, "relevance"),
            "not_in_language": _sum(totals, "language"),
            "kept": _sum(totals, "kept"),
            "stored_new": _sum(totals, "stored", ("new",)),
            "copies_of_earlier_posts": _sum(totals, "stored", ("duplicate", "near duplicate")),
            "seen_again": _sum(totals, "stored", ("updated", "unchanged")),
            "erased_since": counts["erased_since"],
            "in_complaint_tier_now": now_in.get(COMPLAINT, 0),
            "in_review_tier_now": now_in.get(REVIEW, 0),
            "screened": sum(screening.get(s, 0) for s in SCREENED),
            "confirmed": screening.get(CONFIRMED, 0),
            "rejected": screening.get(REJECTED, 0),
            "disputed": screening.get(DISPUTED, 0),
            "unsure": screening.get(UNDECIDED, 0),
            "complaint_tier_not_screened": screening.get(AUTO, 0),
            "review_tier_not_screened": screening.get(UNSCREENED, 0),
            "in_corpus": counts["in_corpus"],
            "exported": len(rows),
        },
        "reasons": {"prescreen": reasons(PRESCREEN_STAGE), "terms_of_service": reasons("tos"),
                    "relevance": reasons("relevance"), "language": reasons("language")},
        "copies_in_database": {"exact": counts["exact_copies"], "near": counts["near_copies"]},
        "screening": {"models": reasons(MODEL_STAGE), "exported": list(statuses),
                      "exported_in_words": exported_in_words(statuses),
                      "reviewers": len(reviewers(database)),
                      "study_model": None if study is None else _study_summary(study[1]),
                      "first_pass": "a companion text with a bias word, a discrimination type's term or an "
                                    "identity term (keywords.yaml)",
                      "model": "logistic regression over hashed n-grams and lexicon cues, trained on labelled real "
                               "posts (labels/README.md); the tiers' thresholds are in keywords.yaml",
                      "status_rule": "confirmed: a reviewer said complaint and none said not; rejected: a reviewer "
                                     "said not and none said complaint; disputed: reviewers disagree; auto: the "
                                     "complaint tier, not screened"},
        "sample": None if options.sample is None else {
            "size": len(rows), "asked": options.sample, "from": available, "seed": options.seed,
            "stratified_by": options.stratify},
        "identified": options.identified,
        "limits": {route["route"]: platforms.route_limits().get(route["route"], "") for route in origin["routes"]},
        "run_notes": origin["warnings"],
        "counting": "found, excluded, not relevant, not in language and kept are summed over all runs: a post "
                    "seen in two runs counts twice there; stored_new, in_corpus and exported count posts once.",
    }


SCREENED = (CONFIRMED, REJECTED, DISPUTED, UNDECIDED)  # statuses of posts a person has screened
IN_WORDS = {CONFIRMED: "posts a reviewer confirmed as complaints", AUTO: "complaint-tier posts nobody screened",
            UNSCREENED: "review-tier posts nobody screened", UNDECIDED: "posts a reviewer was unsure of"}


def exported_in_words(statuses: Sequence[str]) -> str:
    """What an export of these screening statuses holds, for a methods section."""
    words = [IN_WORDS[status] for status in statuses if status in IN_WORDS]
    if len(words) == 1:
        return "only " + words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _study_summary(card: dict[str, Any]) -> dict[str, Any]:
    return {"version": card.get("version"), "complaints": card.get("complaints"),
            "not_complaints": card.get("not_complaints"), "comparison": card.get("comparison")}


def methods_paragraph(manifest: dict[str, Any]) -> str:
    """A short paragraph in plain words, for a paper's methods section to start from."""
    flow = manifest["flow"]
    platforms = ", ".join(manifest["platforms"]) or "no platform"
    queries = len(manifest["queries"])
    span = manifest["date_range"]
    skipped = flow.get("skipped_by_prescreen", 0)
    parts = [
        f"Posts were collected with plaint ({manifest['tool']}) from {platforms} "
        f"in {manifest['runs']['count']} run(s)"
        + (f" between {manifest['runs']['first'][:10]} and {manifest['runs']['last'][:10]}"
           if manifest['runs']['first'] else "")
        + (f", using {queries} keyword quer{'y' if queries == 1 else 'ies'}" if queries else "") + ".",
        f"Of {flow['found']} records found, {flow['excluded_terms_of_service']} were excluded under the platforms' "
        f"terms of service (deleted, removed, private, NSFW, authors stating an age under 18), "
        f"{flow['stopped_by_first_pass'] + skipped} named no AI companion or no bias or identity term (a lexicon "
        f"first pass"
        + (f"; {skipped} of them were read on their text fields alone, before the terms of service were checked, "
           "as nothing of them could be stored" if skipped else "")
        + f"), and a screening model placed the {flow['passed_first_pass']} that passed it: "
        f"{flow['scored_complaint_tier']} in the complaint tier, {flow['scored_review_tier']} in the review tier "
        f"and {flow['scored_below_review_tier']} below it; {flow['not_in_language']} "
        f"{'was' if flow['not_in_language'] == 1 else 'were'} in another language; copies of earlier posts "
        f"({flow['copies_of_earlier_posts']}) were linked to their originals.",
        f"The corpus holds {flow['in_corpus']} posts"
        + (f" written between {span['first_post'][:10]} and {span['last_post'][:10]}" if span["first_post"] else "")
        + (f"; {flow['erased_since']} posts later deleted on their platforms were removed"
           if flow["erased_since"] else "")
        + ".",
    ]
    if flow["screened"]:
        study = manifest["screening"]["study_model"]
        parts.append(
            f"{manifest['screening']['reviewers']} reviewer(s) screened {flow['screened']} posts, the review tier "
            f"first and in the order the model ranked them"
            + (f", the model refitted on their decisions as they went (the last fit on {study['complaints']} "
               f"complaints and {study['not_complaints']} other posts)" if study else "")
            + f": {flow['confirmed']} were confirmed as complaints, {flow['rejected']} rejected, "
            f"{flow['disputed']} disputed between reviewers and {flow['unsure']} left unsure; "
            f"{flow['complaint_tier_not_screened']} posts of the complaint tier were not screened.")
    parts.append(f"The export holds {manifest['screening']['exported_in_words']}.")
    sample = manifest["sample"]
    if sample:
        parts.append(f"A sample of {sample['size']} posts was drawn with seed {sample['seed']}"
                     + (f", stratified by {sample['stratified_by']}" if sample["stratified_by"] else "") + ".")
    else:
        parts.append(f"All {flow['exported']} posts were exported.")
    parts.append("Authors appear only as keyed pseudonyms (HMAC-SHA256)." if not manifest["identified"] else
                 "This export names authors and links to posts: it is identifiable data.")
    limits = [text for text in manifest["limits"].values() if text]
    if limits:
        parts.append("Limits of the routes: " + " ".join(limits))
    return "# Methods\n\n" + " ".join(parts)

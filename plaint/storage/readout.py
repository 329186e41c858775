"""Reading stored data back out: the corpus, authors with their posts, the numbers for `stats`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from plaint.storage.database import Database
from plaint.storage.models import AuthorRow, PostRow, QueryRow, RunCountRow, RunRow
from plaint.storage.screenings import Screened, confirmed_codes, screened, status_counts, status_expression

UNSCORED = "unscored"  # how stats name the tier of posts stored before the screening model


def _in_corpus(statuses: Sequence[str] | None = None):  # type: ignore[no-untyped-def]
    """Rows a researcher reads: not erased, each text once (copies point at their original), and,
    when `statuses` are named, of one of these screening statuses (storage/screenings.py)."""
    live = PostRow.tombstoned_at.is_(None) & PostRow.duplicate_of.is_(None)
    return live if statuses is None else live & status_expression().in_(statuses)


def corpus(database: Database, statuses: Sequence[str] | None = None
           ) -> Iterator[tuple[PostRow, list[tuple[str, str]], Screened]]:
    """Every post of the corpus (of these screening statuses) in a stable order, with the
    (platform, native id) of its copies and its screening."""
    with database.session() as session:
        copies: dict[int, list[tuple[str, str]]] = {}
        for original, platform, native_id in session.execute(
                select(PostRow.duplicate_of, PostRow.platform, PostRow.native_id)
                .where(PostRow.duplicate_of.is_not(None), PostRow.tombstoned_at.is_(None))
                .order_by(PostRow.id)):
            assert original is not None  # the where above
            copies.setdefault(original, []).append((platform, native_id))
        codes = confirmed_codes(session)
        query = (select(PostRow, status_expression()).where(_in_corpus(statuses)).options(joinedload(PostRow.author))
                 .order_by(PostRow.platform, PostRow.created_at, PostRow.id)
                 .execution_options(yield_per=500))
        for row, status in session.execute(query):
            yield row, copies.get(row.id, []), screened(status, codes, row.id)


def copies(database: Database) -> list[dict[str, Any]]:
    """Each copy found (exact or near), next to the post it repeats."""
    original = aliased(PostRow)
    with database.session() as session:
        query = (select(PostRow, original).join(original, PostRow.duplicate_of == original.id)
                 .where(PostRow.tombstoned_at.is_(None)).order_by(original.id, PostRow.id))
        return [{
            "original_platform": first.platform, "original_url": first.url,
            "original_created_at": first.created_at.isoformat() if first.created_at else None,
            "copy_platform": copy.platform, "copy_community": copy.community, "copy_url": copy.url,
            "copy_created_at": copy.created_at.isoformat() if copy.created_at else None,
            "kind": copy.duplicate_kind, "similarity": copy.similarity,
            "text": (first.title or first.text)[:80],
        } for copy, first in session.execute(query)]


def authors_with_posts(database: Database, statuses: Sequence[str] | None = None
                       ) -> list[tuple[AuthorRow, list[tuple[PostRow, Screened]]]]:
    """Each author with their posts in the corpus (erased posts and copies left out; only posts
    of these screening statuses, when named), each with its screening."""
    with database.session() as session:
        codes = confirmed_codes(session)
        rows = session.execute(select(PostRow, status_expression())
                               .where(_in_corpus(statuses), PostRow.author_id.is_not(None))
                               .options(joinedload(PostRow.author)).order_by(PostRow.id))
        grouped: dict[int, tuple[AuthorRow, list[tuple[PostRow, Screened]]]] = {}
        for row, status in rows:
            assert row.author is not None
            grouped.setdefault(row.author.id, (row.author, []))[1].append((row, screened(status, codes, row.id)))
        return list(grouped.values())


def stats(database: Database) -> dict[str, Any]:
    with database.session() as session:
        by_platform = Counter({(p, k): n for p, k, n in session.execute(
            select(PostRow.platform, PostRow.kind, func.count()).where(_in_corpus())
            .group_by(PostRow.platform, PostRow.kind))})
        copies = session.scalar(select(func.count()).where(PostRow.duplicate_of.is_not(None),
                                                           PostRow.tombstoned_at.is_(None)))
        erased = session.scalar(select(func.count()).where(PostRow.tombstoned_at.is_not(None)))
        authors = session.scalar(select(func.count(func.distinct(PostRow.author_id))).where(_in_corpus()))
        types: Counter[str] = Counter()
        for (codes,) in session.execute(select(PostRow.types).where(_in_corpus())):
            types.update(codes or [])
        return {
            "posts": sum(by_platform.values()),
            "by_platform": [{"platform": p, "kind": k, "posts": n} for (p, k), n in sorted(by_platform.items())],
            "types": dict(types.most_common()),
            "tiers": dict(sorted(tier_counts(database).items())),
            "screening": status_counts(database),
            "copies": copies or 0,
            "erased": erased or 0,
            "authors": authors or 0,
            "runs": recent_runs(database, 5),
        }


def recent_runs(database: Database, limit: int = 10) -> list[dict[str, Any]]:
    with database.session() as session:
        runs = session.scalars(select(RunRow).order_by(RunRow.id.desc()).limit(limit)).all()
        out = []
        for run in runs:
            counts = session.scalars(select(RunCountRow).where(RunCountRow.run_id == run.id)).all()
            out.append({
                "id": run.id, "command": run.command, "status": run.status,
                "started_at": run.started_at.isoformat(),
                "ended_at": run.ended_at.isoformat() if run.ended_at else None,
                "platforms": run.platforms,
                "found": sum(c.count for c in counts if c.stage == "found"),
                "kept": sum(c.count for c in counts if c.stage == "kept"),
                "new": sum(c.count for c in counts if c.stage == "stored" and c.outcome == "new"),
            })
        return out


def stage_totals(database: Database) -> dict[tuple[str, str], int]:
    """(stage, outcome) -> count, summed over every run."""
    with database.session() as session:
        return {(stage, outcome): int(total) for stage, outcome, total in session.execute(
            select(RunCountRow.stage, RunCountRow.outcome, func.sum(RunCountRow.count))
            .group_by(RunCountRow.stage, RunCountRow.outcome))}


def provenance(database: Database, statuses: Sequence[str] | None = None) -> dict[str, Any]:
    """Runs, queries and routes behind the stored posts (of these screening statuses), and the
    limits the runs reported."""
    with database.session() as session:
        runs = session.scalars(select(RunRow).order_by(RunRow.id)).all()
        queries = session.scalars(select(QueryRow).order_by(QueryRow.platform, QueryRow.id)).all()
        routes = session.execute(select(PostRow.platform, PostRow.route, func.count()).where(_in_corpus(statuses))
                                 .group_by(PostRow.platform, PostRow.route)).all()
        return {
            "runs": len(runs),
            "first_run": runs[0].started_at.isoformat() if runs else None,
            "last_run": runs[-1].started_at.isoformat() if runs else None,
            "warnings": sorted({w for run in runs for w in run.warnings}),
            "queries": [{"platform": q.platform, "scope": q.scope, "query": q.text,
                         "first_used": q.first_used.isoformat(), "last_used": q.last_used.isoformat()}
                        for q in queries],
            "routes": [{"platform": p, "route": r, "posts": n} for p, r, n in sorted(routes)],
        }


def tier_counts(database: Database) -> dict[str, int]:
    """Posts of the corpus (not erased, each text once) per tier as they are scored now."""
    with database.session() as session:
        return {tier or UNSCORED: int(n) for tier, n in session.execute(
            select(PostRow.tier, func.count()).where(_in_corpus()).group_by(PostRow.tier))}


def corpus_counts(database: Database, statuses: Sequence[str] | None = None) -> dict[str, int]:
    with database.session() as session:
        def count(*where):  # type: ignore[no-untyped-def]
            return int(session.scalar(select(func.count()).select_from(PostRow).where(*where)) or 0)

        live = PostRow.tombstoned_at.is_(None)
        return {
            "in_corpus": count(_in_corpus(statuses)),
            "exact_copies": count(live, PostRow.duplicate_kind == "exact"),
            "near_copies": count(live, PostRow.duplicate_kind == "near"),
            "erased_since": count(PostRow.tombstoned_at.is_not(None)),
        }

"""Commands that read the corpus out: runs, stats, copies, export, report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from plaint.cli.base import (
    ConfirmedOption,
    DbOption,
    FormatOption,
    JsonOption,
    ReviewOption,
    announce_new_key,
    app,
    check_format,
    fail,
    reported_errors,
    screening_statuses,
)
from plaint.export import IDENTIFIED_WARNING, ExportOptions, write_corpus
from plaint.pseudonym import load_pseudonymiser
from plaint.render import print_stats, write_rows
from plaint.report import build_report, render_html
from plaint.review.queue import QUALITY_SAMPLE
from plaint.storage.database import Database, database_url, describe
from plaint.storage.readout import copies as read_copies
from plaint.storage.readout import recent_runs
from plaint.storage.readout import stats as read_stats


@app.command()
def runs(
    db: DbOption = None,
    fmt: FormatOption = "table",
    limit: Annotated[int, typer.Option("--limit", help="How many of the latest runs.")] = 20,
) -> None:
    """The run history: when each scrape or import ran, how it ended, what it found and kept.

    Exit status: 0 shown; 2 a usage error or no database at --db; 4 the database cannot be opened.
    """
    check_format(fmt)
    with reported_errors():
        rows = recent_runs(Database(database_url(db), create=False), limit)
    for row in rows:
        row["platforms"] = "; ".join(f"{name}: {info['status']}" for name, info in row["platforms"].items())
    write_rows(rows, ("id", "command", "status", "started_at", "ended_at", "found", "kept", "new", "platforms"),
               fmt, sys.stdout, title="runs, latest first")


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the database holds: posts per platform, codes, copies, erased posts, recent runs.

    Exit status: 0 shown; 2 a usage error or no database at --db; 4 the database cannot be opened.
    """
    with reported_errors():
        url = database_url(db)
        numbers = read_stats(Database(url, create=False))
    if as_json:
        typer.echo(json.dumps({"database": describe(url), **numbers}, ensure_ascii=False, indent=2))
        return
    print_stats(numbers, describe(url), sys.stdout, sys.stderr)


@app.command("copies")
def list_copies(
    db: DbOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Reposts found: each copy (exact, or near: 80% of its text's 4-grams shared) and its original.

    Exit status: 0 shown; 2 a usage error or no database at --db; 4 the database cannot be opened.
    """
    check_format(fmt)
    with reported_errors():
        rows = read_copies(Database(database_url(db), create=False))
    columns = ("original_platform", "original_url", "copy_platform", "copy_community", "copy_url", "kind",
               "similarity", "text")
    write_rows(rows, columns, fmt, sys.stdout, title=f"{len(rows)} copies of earlier posts")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .csv, .jsonl or .xlsx.")],
    db: DbOption = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="csv, jsonl or xlsx (default: from --out).")] = None,
    sample: Annotated[int | None, typer.Option("--sample", help="Export this many posts, drawn reproducibly.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the sample.")] = None,
    stratify: Annotated[str | None, typer.Option("--stratify", help="platform or type: proportional strata.")] = None,
    identified: Annotated[bool, typer.Option("--identified", help="Add URLs and handles (traceable!).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace --out and its manifests if they exist.")] = False,
    include_review: ReviewOption = False,
    confirmed_only: ConfirmedOption = False,
    for_screening: Annotated[bool, typer.Option("--for-screening", help="Write the screening queue instead (.csv "
                                                "or .xlsx), with empty decision columns for plaint screenings "
                                                "import.")] = False,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="With --for-screening: leave out the posts "
                                                    "this reviewer decided, and fill the reviewer column.")] = None,
    quality_sample: Annotated[int, typer.Option("--quality-sample", min=0, help="With --for-screening: complaint-tier "
                                                "posts after the review tier, drawn with --seed.")] = QUALITY_SAMPLE,
) -> None:
    """Write the corpus for coding (authors as keyed pseudonyms) and a methods manifest beside it:
    posts a reviewer confirmed and complaint-tier posts nobody screened (--confirmed-only,
    --include-review as for candidates); a rejected or disputed post never.

    --for-screening writes the screening queue instead, as plaint review serves it (a --reviewer's
    own decided posts left out), for plaint screenings import to read back.

    The manifests are named after the whole file name (corpus.csv.manifest.json). An existing file
    is never replaced without --force.

    Exit status: 0 written; 2 a usage error (--out exists without --force, cannot be written, a
    --sample below 1, no database at --db); 4 the database cannot be opened.
    """
    if for_screening:
        if sample is not None or stratify is not None or include_review or confirmed_only:
            raise fail("--for-screening writes the queue: --sample, --stratify, --include-review and "
                        "--confirmed-only do not go with it")
        from plaint.review.sheet import write_queue

        with reported_errors():
            database = Database(database_url(db), create=False)
            pseudonym = load_pseudonymiser()
            written = write_queue(database, out, pseudonym, reviewer, quality_sample, seed or 0, identified, force)
        announce_new_key(pseudonym)
        typer.echo(f"wrote {written} posts to screen to {out}; fill decision (complaint, not or unsure), types, "
                   f"strategies, note and reviewer, then: plaint screenings import {out}")
        return
    with reported_errors():
        database = Database(database_url(db), create=False)
        pseudonym = load_pseudonymiser()
        result = write_corpus(database, out, pseudonym,
                              ExportOptions(fmt, sample, seed, stratify, identified, force,
                                            screening_statuses(confirmed_only, include_review)))
    announce_new_key(pseudonym)
    if identified:
        typer.echo(f"warning: {IDENTIFIED_WARNING}", err=True)
    typer.echo(f"wrote {result.rows} posts to {out}")
    typer.echo(f"methods manifest: {result.manifest_json} and {result.manifest_md}")


@app.command()
def report(
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Also write an HTML page with charts.")] = None,
    include_review: ReviewOption = False,
    confirmed_only: ConfirmedOption = False,
) -> None:
    """The corpus at a glance: found to kept and screened, posts per type and platform, posts over
    time (the posts candidates and export take: --confirmed-only and --include-review as there).

    Exit status: 0 shown; 2 a usage error or no database at --db; 4 the database cannot be opened.
    """
    with reported_errors():
        data = build_report(Database(database_url(db), create=False),
                            screening_statuses(confirmed_only, include_review))
    write_rows([{"stage": k, "posts": v} for k, v in data["flow"]], ("stage", "posts"), "table", sys.stdout,
               title="from found to kept")
    write_rows(data["types"], ("type", *data["platforms"], "total"), "table", sys.stdout,
               title="posts per discrimination type and platform")
    months = [{"month": m, **{p: data["by_month"][p].get(m, 0) for p in data["platforms"]}} for m in data["months"]]
    write_rows(months, ("month", *data["platforms"]), "table", sys.stdout, title="posts per month")
    if out is not None:
        try:
            out.write_text(render_html(data), encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write --out {out} ({exc.strerror or exc}); name a file in a folder you "
                       "can write") from None
        typer.echo(f"wrote {out}")

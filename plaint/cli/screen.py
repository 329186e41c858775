"""Commands of screening: tag, rescore, review, agreement, screenings import."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from plaint import platforms
from plaint.cli.base import (
    EXIT_NOTHING_RAN,
    DbOption,
    FormatOption,
    KeywordsOption,
    ReviewerOption,
    app,
    check_format,
    fail,
    read_config,
    reported_errors,
    reviewer_name,
)
from plaint.filters.relevance import Screen
from plaint.pipeline import LEXICONS_DIFFER
from plaint.render import COMPARISON_COLUMNS, comparison_rows, kappa_rows, write_rows
from plaint.rescore import learn_and_rescore
from plaint.review.queue import QUALITY_SAMPLE, RETRAIN_EVERY, SEED
from plaint.runcontrol import LockHeld, RunLock
from plaint.storage.database import Database, database_url, describe
from plaint.tagstream import tag_requests


@app.command()
def tag(
    keywords: KeywordsOption = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the terms that fired.")] = False,
) -> None:
    """Screen posts gathered by hand: JSON lines in on stdin, the same lines out with `tier`
    (complaint, review or dropped), `score`, `relevant` (a kept tier), `types` and `strategies`.

    Each input line is an object with "text" and optionally "title", "platform", "community".

    Exit status: 0 every line tagged; 1 some lines were skipped (each is named on stderr); 2 a
    keywords.yaml error.
    """
    with reported_errors():
        screen = Screen(read_config(keywords))
    bad = 0
    for request in tag_requests(getattr(sys.stdin, "buffer", sys.stdin)):
        if request.record is None:
            bad += 1
            typer.echo(f"plaint: stdin line {request.number}: skipped, {request.problem}", err=True)
            continue
        record = request.record
        judgement = screen.judge(record["text"], record.get("title"), record.get("platform"),
                                 record.get("community"), explain=explain)
        tags = judgement.tags
        record.update(tier=judgement.tier, score=None if judgement.score is None else round(judgement.score, 4),
                      relevant=judgement.kept, types=tags.types, strategies=tags.strategies)
        if explain:
            record["explain"] = {"reason": judgement.reason, "terms": tags.terms}
        typer.echo(json.dumps(record, ensure_ascii=False))
    if bad:
        raise typer.Exit(1)


@app.command()
def rescore(
    db: DbOption = None,
    keywords: KeywordsOption = None,
) -> None:
    """Teach the screening model this study's decisions, then give the stored posts its tiers.

    With at least two confirmed and two rejected posts, a study model is fitted on them (stacked on
    the shipped model) and compared with the shipped one, cross-validated; with fewer, the shipped
    model scores. A post now below the review tier stays stored, in the dropped tier, out of
    candidates and exports: nothing is deleted. A person's decision outranks any tier.

    Exit status: 0 rescored; 2 a usage error or no database at --db; 4 the database cannot be
    opened, or another run holds it.
    """
    with reported_errors():
        config = read_config(keywords)
        database = Database(database_url(db), create=False)
        try:
            with RunLock(database.url, platforms.names()):
                learning, screen, result = learn_and_rescore(database, config)
        except LockHeld as exc:
            raise fail(str(exc), EXIT_NOTHING_RAN) from None
    typer.echo(learning.note)
    if learning.comparison is not None:
        _print_comparison(learning.comparison)
    typer.echo(f"{result.scored} stored posts scored by {screen.described}")
    for (before, now), count in sorted(result.moves.items()):
        typer.echo(f"  {before} -> {now}: {count}")
    if screen.lexicons_differ:
        typer.echo(f"note: {LEXICONS_DIFFER}", err=True)


def _print_comparison(comparison: dict[str, Any]) -> None:
    write_rows(comparison_rows(comparison), COMPARISON_COLUMNS, "table", sys.stdout,
               title=f"study model against the shipped one, cross-validated on {comparison['decided_posts']} decided "
                     f"posts ({comparison['complaints']} complaints, {comparison['folds']} folds)")


@app.command()
def review(
    db: DbOption = None,
    reviewer: ReviewerOption = None,
    quality_sample: Annotated[int, typer.Option("--quality-sample", min=0, help="Complaint-tier posts to screen "
                                                "after the review tier, drawn with --seed "
                                                "(quality control).")] = QUALITY_SAMPLE,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the quality-control sample.")] = SEED,
    retrain_every: Annotated[int, typer.Option("--retrain-every", min=1, help="Fit the study model again and "
                                               "re-rank after this many decisions.")] = RETRAIN_EVERY,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (default: a free one).")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the link; do not open a browser.")] = False,
    keywords: KeywordsOption = None,
) -> None:
    """Screen posts in the browser, one at a time: the review tier first, highest score first,
    then a sample of the complaint tier. y complaint, n not, u unsure, arrows back and forth,
    digits toggle codes. Every --retrain-every decisions the study model is fitted again.

    The page is served on 127.0.0.1 only, with a random token in the link; it runs until Ctrl-C.

    Exit status: 0 stopped with Ctrl-C; 2 a usage error (no database at --db, a port in use, no
    reviewer name); 4 the database cannot be opened.
    """
    import webbrowser

    from plaint.review.app import Review, Server, create_app, listen, new_token
    from plaint.review.queue import Queue

    with reported_errors():
        name = reviewer_name(reviewer)
        config = read_config(keywords)
        database = Database(database_url(db), create=False)
        session = Review(database, config, Queue(database, name, quality_sample, seed), retrain_every,
                         say=lambda line: typer.echo(f"plaint review: {line}"))
        token = new_token()
        server = Server(create_app(session, token), listen(port))
        progress = session.queue.progress()
    url = server.url(token)
    typer.echo(f"plaint review: {name} screens {describe(database.url)}: {progress.screened} screened, "
               f"{progress.left} left, {progress.confirmed} confirmed")
    typer.echo(f"plaint review: {session.status.note}")
    typer.echo(f"plaint review: open {url}  (Ctrl-C to stop)")
    if not no_browser:
        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
        if not opened:
            typer.echo("plaint review: no browser could be opened here; open the link above yourself", err=True)
    server.run()
    session.wait()
    done = session.queue.progress()
    typer.echo(f"plaint review: stopped; {name} has {done.screened} screened, {done.left} left, "
               f"{done.confirmed} confirmed ({done.hint()})")


@app.command("agreement")
def agreement_command(
    reviewers_: Annotated[list[str], typer.Option("--reviewers", help="The two reviewers: --reviewers A --reviewers B "
                                                  "(or --reviewers A B).")],
    db: DbOption = None,
    fmt: FormatOption = "table",
    extra: Annotated[list[str] | None, typer.Argument(hidden=True)] = None,
) -> None:
    """Cohen's kappa between two reviewers, for relevance and for each code, on the posts both
    screened, and the posts they disagree on (to discuss; a changed decision replaces one's own).

    Exit status: 0 shown; 2 a usage error (not two reviewers, one without decisions, no database).
    """
    from plaint.agreement import agreement

    check_format(fmt)
    names = [*reviewers_, *(extra or [])]
    if len(names) != 2:
        raise fail("name two reviewers: --reviewers A B")
    with reported_errors():
        result = agreement(Database(database_url(db), create=False), names[0], names[1])
    rows = kappa_rows(result)
    if fmt == "json":
        typer.echo(json.dumps({"reviewers": names, "both_screened": result.both, "kappa": rows,
                               "disagreements": result.disagreements}, ensure_ascii=False, indent=2))
        return
    write_rows(rows, ("measure", "posts", "kappa"), fmt, sys.stdout,
               title=f"Cohen's kappa, {names[0]} and {names[1]}, on {result.both} posts both screened")
    columns = ("post", names[0], names[1], f"{names[0]}_codes", f"{names[1]}_codes")
    write_rows(result.disagreements, columns, fmt, sys.stdout, title=f"{len(result.disagreements)} disagreements to "
               "discuss (codes: only the one reviewer's)")


screenings_app = typer.Typer(help="Screening decisions made outside the page.", no_args_is_help=True)
app.add_typer(screenings_app, name="screenings")


@screenings_app.command("import")
def screenings_import(
    path: Annotated[Path, typer.Argument(help="The filled sheet (.csv or .xlsx) plaint export --for-screening wrote.")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who decided, for rows whose reviewer column "
                                                    "is empty.")] = None,
    db: DbOption = None,
) -> None:
    """Store the decisions of a filled screening sheet; a later decision replaces the reviewer's own.

    A row that cannot be read (an unknown post id, decision or code) is named with its row and
    left out; the others are stored. Rows without a decision are not screened yet.

    Exit status: 0 every decided row stored; 1 some rows were left out (each named on stderr); 2
    a usage error (no such file, not a screening sheet, no database); 4 the database cannot be
    opened or written.
    """
    from plaint.review.sheet import import_sheet

    with reported_errors():
        result = import_sheet(Database(database_url(db), create=False), path, reviewer)
    for problem in result.problems:
        typer.echo(f"plaint: {problem}", err=True)
    typer.echo(f"{path}: {result.stored} decisions stored, {len(result.problems)} rows left out, "
               f"{result.blank} rows without a decision (not screened yet)")
    if result.problems:
        raise typer.Exit(1)

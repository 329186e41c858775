"""The `plaint` command: parses arguments, calls the package, prints. Nothing else lives here."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from plaint import __version__
from plaint.collectors.imports import import_sources
from plaint.collectors.imports.template import template as hand_template
from plaint.collectors.pages import HandCollector, page_collector, platform_of
from plaint.collectors.reddit import connect
from plaint.collectors.registry import collector_sources
from plaint.collectors.tiktok import TikTokCollector
from plaint.config import Config, default_keywords_text, load_config
from plaint.demo import DEMO_DB, DEMO_EXPORT, run_demo
from plaint.errors import CollectorUnavailable, PlaintError
from plaint.export import IDENTIFIED_WARNING, ExportOptions, write_corpus
from plaint.filters.relevance import Screen
from plaint.filters.tos import ALLOWED_ROUTES
from plaint.http import PoliteClient
from plaint.pipeline import LEXICONS_DIFFER, Pipeline, Progress, RunSummary
from plaint.post import DROPPED, TIERS
from plaint.pseudonym import Pseudonymiser, load_pseudonymiser
from plaint.recruit import (
    CandidateFilter,
    contact_history,
    forget_author,
    list_candidates,
    resolve_author,
    sample_candidates,
    set_contact_status,
)
from plaint.render import (
    COMPARISON_COLUMNS,
    FORMATS,
    TerminalProgress,
    comparison_rows,
    print_summary,
    summary_dict,
    write_rows,
)
from plaint.report import build_report, render_html
from plaint.rescore import learn_and_rescore
from plaint.review.queue import QUALITY_SAMPLE, RETRAIN_EVERY, SEED
from plaint.runcontrol import LockHeld, RunLock, stop_on_signals
from plaint.runlog import append_log
from plaint.sampling import check_sample
from plaint.sorting import DATED_AHEAD, SUSPICIOUS
from plaint.storage.database import Database, StorageError, database_url, describe
from plaint.storage.readout import UNSCORED, recent_runs
from plaint.storage.readout import copies as read_copies
from plaint.storage.readout import stats as read_stats
from plaint.storage.schema import current as current_revision
from plaint.storage.screenings import STATUSES, check_reviewer, selection
from plaint.storage.store import Store
from plaint.sweep import SweepResult, sweep_pages, sweep_reddit, sweep_tiktok
from plaint.tagstream import tag_requests
from plaint.workers import default_workers

app = typer.Typer(help="Find public complaints about bias in AI companion apps, for research.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")


def _flags_without_a_placeholder() -> None:
    """typer's rich help writes `<bool>` after every flag, as if it took a value (`--force <bool>`):
    a flag is shown as it is typed."""
    option = getattr(typer.core, "TyperOption", None)
    shown = getattr(option, "display_type_rich", None)
    if option is None or shown is None:
        return

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    option.display_type_rich = display_type_rich


_flags_without_a_placeholder()


def _print_version(value: bool) -> None:
    if value:
        _version_lines()
        raise typer.Exit()


def _version_lines() -> None:
    from plaint.screening.model import packaged_model

    typer.echo(__version__)
    typer.echo(f"screening model {packaged_model().version}")


@app.callback()
def _everything(
    show_version: Annotated[bool, typer.Option("--version", help="Print plaint's version and exit.",
                                               callback=_print_version, is_eager=True)] = False,
) -> None:
    """Find public complaints about bias in AI companion apps, for research."""

# Exit codes a cron job can act on.
EXIT_OK, EXIT_USAGE, EXIT_PARTIAL, EXIT_NOTHING_RAN, EXIT_INTERRUPTED = 0, 2, 3, 4, 5

DbOption = Annotated[str | None, typer.Option("--db", help="SQLite file or SQLAlchemy URL "
                                                 "(default: $PLAINT_DB, else ./plaint.db).")]
KeywordsOption = Annotated[Path | None, typer.Option("--keywords", help="keywords.yaml to use "
                                                        "(default: $PLAINT_KEYWORDS, else ./keywords.yaml, "
                                                        "else the built-in one).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary.")]
ReviewOption = Annotated[bool, typer.Option("--include-review", help="Add posts still waiting for a person: the "
                                            "review tier not screened, and posts a reviewer was unsure of.")]
ConfirmedOption = Annotated[bool, typer.Option("--confirmed-only", help="Only posts a reviewer confirmed as "
                                               "complaints (not the complaint tier nobody screened).")]


def _statuses(confirmed_only: bool, include_review: bool) -> tuple[str, ...]:
    """The screening statuses a command takes (README: Screening)."""
    try:
        return selection(confirmed_only, include_review)
    except PlaintError as exc:
        raise _fail(str(exc)) from None


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"plaint: error: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def _reported_errors() -> Iterator[None]:
    """Turn the errors a researcher can fix into one line on stderr instead of a traceback."""
    try:
        yield
    except StorageError as exc:  # the database cannot be opened or written: nothing (more) could run
        raise _fail(str(exc), EXIT_NOTHING_RAN) from None
    except PlaintError as exc:
        raise _fail(str(exc)) from None


def _config(keywords: Path | None) -> Config:
    """keywords.yaml, with a line on stderr for each thing in it that looks wrong but stops nothing."""
    config = load_config(keywords)
    for warning in config.warnings:
        typer.echo(f"plaint: warning: {warning}", err=True)
    return config


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Progress | None]:
    """Progress on a terminal only: under cron (no terminal) the run prints just its summary."""
    if quiet or not sys.stderr.isatty():
        yield None
    else:
        with TerminalProgress() as progress:
            yield progress


def _print_run(summary: RunSummary, as_json: bool) -> None:
    """The run's summary, then the exit status a cron job acts on (see EXIT_* above)."""
    if as_json:
        typer.echo(json.dumps(summary_dict(summary), ensure_ascii=False, indent=2))
    else:
        print_summary(summary, sys.stdout)
    if summary.status == "failed":
        raise typer.Exit(EXIT_NOTHING_RAN)
    if summary.status == "partial":
        raise typer.Exit(EXIT_PARTIAL)
    if summary.status == "interrupted":
        raise typer.Exit(EXIT_INTERRUPTED)


LogFileOption = Annotated[Path | None, typer.Option("--log-file", help="Append one line per platform "
                                                       "(or file) with its counts.")]


def _stopping_notice() -> None:
    typer.echo("plaint: stopping after the batch in hand; a second Ctrl-C (or SIGTERM) stops at once", err=True)


def _locked_run(config: Config, url: str, sources: Mapping[str, Any], command: str, quiet: bool,
                log_file: Path | None, full: bool = True, workers: int = 0) -> RunSummary:
    """A pipeline run under the database's run lock, stopping cleanly on SIGTERM or Ctrl-C."""
    pipeline: Pipeline | None = None
    try:
        # A scrape locks the platforms it searches; an import or add may write any platform.
        with RunLock(url, tuple(sources) if command == "scrape" else tuple(ALLOWED_ROUTES)):
            database = Database(url)
            if database.was_empty:
                typer.echo(f"note: {describe(url)} was an empty file (0 bytes); plaint made a new database in it",
                           err=True)
            store = Store(database)
            stale = store.mark_interrupted()
            if stale:
                typer.echo(f"note: {stale} earlier run(s) died mid-way; marked interrupted (see plaint runs)",
                           err=True)
            pipeline = Pipeline(config, store, workers=workers)
            pipeline.full = full
            with _progress(quiet) as progress, stop_on_signals(pipeline, _stopping_notice):
                pipeline.progress = progress or pipeline.progress
                summary = pipeline.run(sources, command=command)
    except LockHeld as exc:
        raise _fail(str(exc), EXIT_NOTHING_RAN) from None
    except KeyboardInterrupt:  # the second SIGTERM or Ctrl-C: stop now, the run marked
        raise _fail(f"stopped at once by a second signal; the batch in hand was not stored; "
                    f"{(pipeline and pipeline.stop_message) or 'the next run marks this one interrupted'}",
                    EXIT_INTERRUPTED) from None
    if log_file is not None:
        try:
            append_log(log_file, summary, command)
        except OSError as exc:  # the run is stored; only its log line is missing
            typer.echo(f"plaint: warning: cannot append to --log-file {log_file} ({exc.strerror or exc}); the run "
                       f"itself is stored (plaint runs)", err=True)
    return summary


@app.command()
def scrape(
    platform: Annotated[list[str] | None, typer.Option("--platform", "-p", help="Only this platform "
                                                          "(repeat for more); default: all.")] = None,
    db: DbOption = None,
    keywords: KeywordsOption = None,
    as_json: JsonOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    log_file: LogFileOption = None,
    full: Annotated[bool, typer.Option("--full", help="Re-walk every listing instead of stopping where the "
                                       "last run's search ended.")] = False,
) -> None:
    """Search the platforms with queries built from keywords.yaml; filter and store what is found.

    Reddit, TikTok, Zhihu, Weibo and Douban, each with the credentials it needs (README: Platforms).

    Exit status: 0 every platform ran; 2 a usage or configuration error; 3 some were skipped or
    failed, the others stored; 4 none could run, the database cannot be opened or written, or
    another run holds it; 5 stopped by SIGTERM or Ctrl-C.
    """
    with _reported_errors():
        config = _config(keywords)
        sources = collector_sources(config, platform)
        summary = _locked_run(config, database_url(db), sources, "scrape", quiet or as_json, log_file, full)
    _print_run(summary, as_json)


@app.command("import")
def import_files(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files and folders to import.")] = None,
    platform: Annotated[str | None, typer.Option("--platform", "-p", help="Read the files as this platform's.")] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Text encoding (default: UTF-8, or GB18030 "
                                                    "when the file is not UTF-8).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop a file at its first bad record; store nothing "
                                         "from it.")] = False,
    template: Annotated[str | None, typer.Option("--template", help="Print an empty template (csv or jsonl) "
                                                    "for posts gathered by hand, and exit.")] = None,
    db: DbOption = None,
    keywords: KeywordsOption = None,
    as_json: JsonOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    log_file: LogFileOption = None,
    workers: Annotated[int | None, typer.Option("--workers", min=0, help="Processes that read and filter "
                                                   "files of 4 MB or more (default: one per core; 0: none).")] = None,
) -> None:
    """Import captures, exports and posts gathered by hand, through the filters and storage of a scrape.

    Zeeschuimer, MediaCrawler, Reddit archive dumps and plaint's own template (--template csv). A
    bad record is reported with its line and the rest of the file is read.

    Exit status: 0 every file was read (bad records are counted, not fatal); 2 a usage or
    configuration error; 3 some files failed; 4 none could be read, the database cannot be opened
    or written, or another run holds it; 5 stopped by SIGTERM or Ctrl-C.
    """
    if template is not None:
        if template not in ("csv", "jsonl"):
            raise _fail(f"--template {template!r}: use csv or jsonl")
        typer.echo(hand_template(template), nl=False)
        return
    if not paths:
        raise _fail("name the files or folders to import (or use --template csv to start one)")
    with _reported_errors():
        config = _config(keywords)
        sources = import_sources(paths, platform, encoding, strict)
        if not sources:
            raise _fail("no files found in " + ", ".join(map(str, paths)))
        summary = _locked_run(config, database_url(db), sources, "import", quiet or as_json, log_file,
                              workers=default_workers() if workers is None else workers)
    if not as_json:
        for source, result in summary.platforms.items():
            formats = ", ".join(f"{name} ({n})" for name, n in result.info.get("formats", {}).items())
            ahead = summary.counts[(source, SUSPICIOUS, DATED_AHEAD)]
            titled = result.info.get("title_only", 0)
            skipped = result.info.get("skipped", 0)
            typer.echo(f"{source}: read as {formats or 'nothing'}; {result.info.get('records', 0)} records, "
                       f"{result.info.get('bad', 0)} bad"
                       + (f"; {titled} with a title and no text (their content may be a picture or a link "
                          "plaint cannot read)" if titled else "")
                       + (f"; {skipped} skipped by the prescreen (no term the first pass needs)" if skipped else "")
                       + (f"; {ahead} dated after tomorrow (suspicious: check the file's dates and zone)"
                          if ahead else ""))
            for problem in result.info.get("problems", [])[:10]:
                typer.echo(f"  {problem['where']}: {problem['problem']}", err=True)
    _print_run(summary, as_json)


@app.command()
def add(
    url: Annotated[str, typer.Argument(help="The post's public URL.")],
    text: Annotated[str | None, typer.Option("--text", help="The post's text, when plaint cannot fetch the page.")] = None,
    author: Annotated[str | None, typer.Option("--author", help="The author's handle.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The post's title.")] = None,
    created: Annotated[str | None, typer.Option("--created", help="When it was posted (ISO 8601; UTC "
                                                   "unless a zone is given).")] = None,
    platform: Annotated[str | None, typer.Option("--platform", "-p", help="The platform, if the URL does "
                                                    "not say.")] = None,
    db: DbOption = None,
    keywords: KeywordsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add one post: a Tieba thread or Douban topic is fetched, any other post needs --text.

    The page is fetched only where robots.txt permits, and read with its replies.

    Exit status: 0 stored; 2 a usage error (a page plaint will not fetch, no --platform); 4 the
    page could not be read, the database cannot be opened or written, or another run holds it;
    5 stopped by a signal.
    """
    with _reported_errors():
        config = _config(keywords)
        when = _moment(created, "--created")
        if text is not None:
            where = platform or platform_of(url)
            if where is None:
                raise _fail(f"cannot tell the platform of {url}; add --platform")
            source = HandCollector(url, text, where, author, title, when)
        else:
            source = page_collector(url, PoliteClient())
        summary = _locked_run(config, database_url(db), {url: lambda: source}, "add", True, None)
    _print_run(summary, as_json)


def _moment(value: str | None, option: str) -> datetime | None:
    """A date or time given on the command line; UTC unless it names a zone."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except ValueError:
        raise _fail(f"{option} {value!r}: write it as 2026-10-02 or 2026-10-02T21:14+08:00") from None
    except OverflowError:
        raise _fail(f"{option} {value!r}: in UTC that falls outside the years 1 to 9999") from None


@app.command()
def runs(
    db: DbOption = None,
    fmt: FormatOption = "table",
    limit: Annotated[int, typer.Option("--limit", help="How many of the latest runs.")] = 20,
) -> None:
    """The run history: when each scrape or import ran, how it ended, what it found and kept.

    Exit status: 0 shown; 2 a usage error or no database at --db; 4 the database cannot be opened.
    """
    _check_format(fmt)
    with _reported_errors():
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
    with _reported_errors():
        url = database_url(db)
        numbers = read_stats(Database(url, create=False))
    if as_json:
        typer.echo(json.dumps({"database": describe(url), **numbers}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"database: {describe(url)}")
    typer.echo(f"posts in the corpus: {numbers['posts']} by {numbers['authors']} authors "
               f"({numbers['copies']} copies linked to their original, {numbers['erased']} erased)")
    tiers = numbers["tiers"]
    typer.echo("screening: " + ", ".join(f"{name} tier {tiers[name]}" for name in (*TIERS, DROPPED, UNSCORED)
                                         if name in tiers))
    screening = numbers["screening"]
    if screening:
        typer.echo("screened by a person: " + ", ".join(f"{name} {screening[name]}" for name in STATUSES
                                                        if name in screening))
    if tiers.get(UNSCORED):
        typer.echo(f"note: {tiers[UNSCORED]} posts were stored before the screening model and have no tier; "
                   "plaint rescore gives them one", err=True)
    write_rows(numbers["by_platform"], ("platform", "kind", "posts"), "table", sys.stdout)
    write_rows([{"type": t, "posts": n} for t, n in numbers["types"].items()], ("type", "posts"), "table",
               sys.stdout, title="suggested discrimination types")
    write_rows(numbers["runs"], ("id", "command", "status", "started_at", "found", "kept", "new"), "table",
               sys.stdout, title="recent runs")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise _fail(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")


FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


@app.command()
def candidates(
    db: DbOption = None,
    fmt: FormatOption = "table",
    platform: Annotated[list[str] | None, typer.Option("--platform", "-p", help="Only this platform (repeatable).")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", "-t", help="Wrote about this discrimination type (repeatable).")] = None,
    strategy: Annotated[list[str] | None, typer.Option("--strategy", "-s", help="Described this alignment strategy (repeatable).")] = None,
    min_posts: Annotated[int, typer.Option("--min-posts", help="At least this many kept posts.")] = 1,
    since: Annotated[str | None, typer.Option("--since", help="Posted on or after this date (YYYY-MM-DD).")] = None,
    sample: Annotated[int | None, typer.Option("--sample", help="Draw this many, reproducibly.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the sample.")] = None,
    stratify: Annotated[str | None, typer.Option("--stratify", help="platform or type: proportional strata.")] = None,
    include_review: ReviewOption = False,
    confirmed_only: ConfirmedOption = False,
) -> None:
    """Authors who may be invited to an interview, one row each: of posts a reviewer confirmed and
    of complaint-tier posts nobody screened (--confirmed-only: confirmed posts only;
    --include-review adds posts still waiting for a person).

    Never listed: authors whose only posts were rejected or disputed by reviewers, do-not-contact,
    forgotten authors, authors whose posts were deleted, authors of locked threads, posts without
    an author, authors who stated they are under 18.

    Exit status: 0 listed; 2 a usage error (a --sample below 1, no database at --db); 4 the
    database cannot be opened.
    """
    _check_format(fmt)
    with _reported_errors():
        check_sample(sample, seed)
        where = CandidateFilter(tuple(platform or ()), tuple(type_ or ()), tuple(strategy or ()), min_posts,
                                _moment(since, "--since"), _statuses(confirmed_only, include_review))
        rows = list_candidates(Database(database_url(db), create=False), load_pseudonymiser(), where)
        if sample is not None:
            rows = sample_candidates(rows, sample, seed or 0, stratify)
    columns = ("platform", "handle", "profile_url", "message_url", "posts", "types", "strategies",
               "first_post_at", "latest_post_at", "contact_status", "post_urls")
    dicts = [c.to_dict() for c in rows]
    if fmt == "table":  # what fits a terminal; csv and json carry every column
        columns = ("platform", "handle", "profile_url", "posts", "types", "strategies", "latest_post_at",
                   "contact_status")
        for row in dicts:
            row["latest_post_at"] = (row["latest_post_at"] or "")[:10]
    write_rows(dicts, columns, fmt, sys.stdout, title=f"{len(rows)} candidate participants")


@app.command()
def contact(
    author: Annotated[str, typer.Argument(help="platform:handle (or a handle found on one platform only).")],
    status: Annotated[str | None, typer.Argument(help="new, invited, replied, agreed, declined or do-not-contact; "
                                                    "leave out to show the history.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with this change.")] = None,
    db: DbOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Record an author's contact status (time-stamped), and show their contact history.

    Exit status: 0 done; 2 a usage error (an unknown author or status, no database at --db); 4 the
    database cannot be opened or written.
    """
    _check_format(fmt)
    with _reported_errors():
        database = Database(database_url(db), create=False)
        pseudonym = load_pseudonymiser()
        if status is None:
            platform, handle = resolve_author(database, author)
        else:
            platform, handle = set_contact_status(database, pseudonym, author, status, note)
        rows = contact_history(database, pseudonym, platform, handle)
    write_rows(rows, ("at", "status", "note"), fmt, sys.stdout, title=f"{platform}:{handle}")


@app.command()
def forget(
    author: Annotated[str, typer.Argument(help="platform:handle (or a handle found on one platform only).")],
    db: DbOption = None,
) -> None:
    """Remove an author everywhere, at their request: posts erased, author deleted, do-not-contact.

    Later posts of theirs are stored without them (README: Privacy). An author plaint has not
    stored yet can be forgotten ahead, written platform:handle.

    Exit status: 0 forgotten; 2 a usage error (an unknown author, no database at --db); 4 the
    database cannot be opened or written, or a run holds it.
    """
    with _reported_errors():
        database = Database(database_url(db), create=False)
        try:
            with RunLock(database.url, tuple(ALLOWED_ROUTES)):  # no run stores their posts meanwhile
                platform, handle, erased = forget_author(database, load_pseudonymiser(), author)
        except LockHeld as exc:
            raise _fail(str(exc), EXIT_NOTHING_RAN) from None
    typer.echo(f"forgot {platform}:{handle}: {erased} posts erased (their ids kept so they are never collected "
               "again); on the do-not-contact list, and any later post of theirs is stored without them")


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
    with _reported_errors():
        config = _config(keywords)
        database = Database(database_url(db), create=False)
        try:
            with RunLock(database.url, tuple(ALLOWED_ROUTES)):
                learning, screen, result = learn_and_rescore(database, config)
        except LockHeld as exc:
            raise _fail(str(exc), EXIT_NOTHING_RAN) from None
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


ReviewerOption = Annotated[str | None, typer.Option("--reviewer", help="Who decides (default: $PLAINT_REVIEWER, "
                                                  "else your login name).")]


def _reviewer(name: str | None) -> str:
    if name is None:
        name = os.environ.get("PLAINT_REVIEWER")
    if name is None:
        with contextlib.suppress(Exception):  # no login name (a container's unnamed user): ask for one
            name = getpass.getuser()
    return check_reviewer(name)


@app.command()
def review(
    db: DbOption = None,
    reviewer: ReviewerOption = None,
    quality_sample: Annotated[int, typer.Option("--quality-sample", min=0, help="Complaint-tier posts to screen "
                                                "after the review tier, drawn with --seed (quality control).")] = QUALITY_SAMPLE,
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

    with _reported_errors():
        name = _reviewer(reviewer)
        config = _config(keywords)
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

    _check_format(fmt)
    names = [*reviewers_, *(extra or [])]
    if len(names) != 2:
        raise _fail("name two reviewers: --reviewers A B")
    with _reported_errors():
        result = agreement(Database(database_url(db), create=False), names[0], names[1])
    shown = lambda kappa: "undefined" if kappa is None else f"{kappa:.3f}"  # noqa: E731
    rows = [{"measure": "relevance (complaint / not / unsure)", "posts": result.both, "kappa": shown(result.relevance)}]
    rows += [{"measure": code, "posts": n, "kappa": shown(kappa)} for code, (n, kappa) in result.codes.items()]
    if fmt == "json":
        typer.echo(json.dumps({"reviewers": names, "both_screened": result.both, "kappa": rows,
                               "disagreements": result.disagreements}, ensure_ascii=False, indent=2))
        return
    write_rows(rows, ("measure", "posts", "kappa"), fmt, sys.stdout,
               title=f"Cohen's kappa, {names[0]} and {names[1]}, on {result.both} posts both screened")
    columns = ("post", names[0], names[1], f"{names[0]}_codes", f"{names[1]}_codes")
    write_rows(result.disagreements, columns, fmt, sys.stdout, title=f"{len(result.disagreements)} disagreements to "
               "discuss (codes: only the one reviewer's)")


@app.command()
def sweep(
    platform: Annotated[list[str] | None, typer.Option("--platform", "-p", help="reddit, tiktok, douban or "
                                                          "tieba (repeatable); default: all four.")] = None,
    db: DbOption = None,
) -> None:
    """Re-check stored posts and erase those deleted, removed or no longer public.

    Reddit through its API (100 ids a request), TikTok videos by id through the Research API (100 at
    a time), Douban topics and Tieba threads by fetching them again (robots.txt permitting).
    Reddit's terms require honouring deletions, TikTok's a refresh every 15 days: run it weekly.

    Exit status: 0 done (a platform without credentials is skipped and said so); 2 a usage error
    or no database at --db; 4 the database cannot be opened or written, or a run holds it.
    """
    sweepable = ("reddit", "tiktok", "douban", "tieba")
    chosen = platform or list(sweepable)
    unknown = [p for p in chosen if p not in sweepable]
    if unknown:
        raise _fail(f"plaint sweeps {', '.join(sweepable)}, not {', '.join(unknown)}")
    with _reported_errors():
        database = Database(database_url(db), create=False)
        try:
            with RunLock(database.url):
                store = Store(database)
                if "reddit" in chosen:
                    try:
                        reddit = connect()
                    except CollectorUnavailable as exc:
                        typer.echo(f"reddit: skipped - {exc}")
                    else:
                        _print_sweep("reddit", sweep_reddit(store, reddit))
                if "tiktok" in chosen:
                    try:
                        tiktok = TikTokCollector.from_environment(_config(None))
                    except CollectorUnavailable as exc:
                        typer.echo(f"tiktok: skipped - {exc}")
                    else:
                        _print_sweep("tiktok", sweep_tiktok(store, tiktok))
                pages = tuple(p for p in chosen if p in ("douban", "tieba"))
                if pages:
                    _print_sweep(" and ".join(pages), sweep_pages(store, PoliteClient(min_interval=5.0), pages))
        except LockHeld as exc:
            raise _fail(str(exc), EXIT_NOTHING_RAN) from None


def _print_sweep(what: str, result: SweepResult) -> None:
    erased = ", ".join(f"{n} {reason}" for reason, n in result.erased.most_common()) or "none"
    skipped = ", ".join(f"{n} ({reason})" for reason, n in result.skipped.most_common())
    typer.echo(f"{what}: {result.checked} stored posts checked; erased: {erased}" + (f"; not checked: {skipped}"
                                                                                    if skipped else ""))


@app.command("copies")
def list_copies(
    db: DbOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Reposts found: each copy (exact, or near: 80% of its text's 4-grams shared) and its original.

    Exit status: 0 shown; 2 a usage error or no database at --db; 4 the database cannot be opened.
    """
    _check_format(fmt)
    with _reported_errors():
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
            raise _fail("--for-screening writes the queue: --sample, --stratify, --include-review and "
                        "--confirmed-only do not go with it")
        from plaint.review.sheet import write_queue

        with _reported_errors():
            database = Database(database_url(db), create=False)
            pseudonym = load_pseudonymiser()
            written = write_queue(database, out, pseudonym, reviewer, quality_sample, seed or 0, identified, force)
        _announce_new_key(pseudonym)
        typer.echo(f"wrote {written} posts to screen to {out}; fill decision (complaint, not or unsure), types, "
                   f"strategies, note and reviewer, then: plaint screenings import {out}")
        return
    with _reported_errors():
        database = Database(database_url(db), create=False)
        pseudonym = load_pseudonymiser()
        result = write_corpus(database, out, pseudonym, ExportOptions(fmt, sample, seed, stratify, identified, force,
                                                                      _statuses(confirmed_only, include_review)))
    _announce_new_key(pseudonym)
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
    with _reported_errors():
        data = build_report(Database(database_url(db), create=False), _statuses(confirmed_only, include_review))
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
            raise _fail(f"cannot write --out {out} ({exc.strerror or exc}); name a file in a folder you can write") from None
        typer.echo(f"wrote {out}")


def _announce_new_key(pseudonym: Pseudonymiser) -> None:
    if pseudonym.created:
        typer.echo(f"created a new pseudonym key in {pseudonym.source}; keep it (and keep it out of the "
                   "corpus): exports made with another key will not join", err=True)


@app.command()
def demo(as_json: JsonOption = False) -> None:
    """Run the whole pipeline on recorded Reddit answers: no network, no credentials.

    It writes plaint-demo.db (or $PLAINT_DB) and plaint-demo-corpus.csv here, replacing its own
    earlier ones.

    Exit status: 0 done; 4 the database cannot be opened or written.
    """
    with _reported_errors():
        url = database_url(os.environ.get("PLAINT_DB") or DEMO_DB)
        pseudonym = load_pseudonymiser()
        with _progress(as_json) as progress:
            result = run_demo(Database(url), Path(DEMO_EXPORT), pseudonym, progress)
    _announce_new_key(pseudonym)
    rows = [c.to_dict() for c in result.candidates]
    if as_json:
        typer.echo(json.dumps({"database": describe(url), "run": summary_dict(result.summary),
                               "candidates": rows, "export": str(result.export_path),
                               "exported": result.exported}, ensure_ascii=False, indent=2, default=str))
        return
    print_summary(result.summary, sys.stdout)
    write_rows(rows, ("platform", "handle", "posts", "types", "strategies", "latest_post_at"), "table",
               sys.stdout, title=f"{len(rows)} candidate participants")
    typer.echo(f"database: {describe(url)}")
    typer.echo(f"corpus: {result.exported} posts written to {result.export_path.resolve()} "
               "(authors pseudonymised)")


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
    with _reported_errors():
        screen = Screen(_config(keywords))
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
def init(force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False) -> None:
    """Write the default keywords.yaml here, to edit: plaint reads ./keywords.yaml from then on.

    Exit status: 0 written; 2 keywords.yaml exists (use --force to replace it).
    """
    target = Path("keywords.yaml")
    if target.exists() and not force:
        raise _fail(f"{target.resolve()} exists; edit it, or use --force to replace it")
    try:
        target.write_text(default_keywords_text(), encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {target.resolve()} ({exc.strerror or exc}); run plaint init in a folder you "
                    "can write") from None
    typer.echo(f"wrote {target.resolve()}")


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

    with _reported_errors():
        result = import_sheet(Database(database_url(db), create=False), path, reviewer)
    for problem in result.problems:
        typer.echo(f"plaint: {problem}", err=True)
    typer.echo(f"{path}: {result.stored} decisions stored, {len(result.problems)} rows left out, "
               f"{result.blank} rows without a decision (not screened yet)")
    if result.problems:
        raise typer.Exit(1)


db_app = typer.Typer(help="The database itself.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database's schema up to this plaint's (SQLite or PostgreSQL); safe to repeat.

    It makes the database if there is none. Exit status: 0 done; 2 a usage error; 4 the database
    cannot be opened or written.
    """
    with _reported_errors():
        url = database_url(db)
        database = Database(url)  # opening runs the migrations
        revision = current_revision(database.engine)
    typer.echo(f"{describe(url)}: schema at revision {revision}")


@app.command()
def version() -> None:
    """Print plaint's version and its screening model's."""
    _version_lines()


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""Commands that bring posts in: scrape, import, add, demo."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from plaint.cli.base import (
    EXIT_INTERRUPTED,
    EXIT_NOTHING_RAN,
    DbOption,
    JsonOption,
    KeywordsOption,
    LogFileOption,
    QuietOption,
    announce_new_key,
    app,
    fail,
    moment,
    print_run,
    progress_display,
    read_config,
    reported_errors,
)
from plaint.collectors.imports import import_sources
from plaint.collectors.imports.template import template as hand_template
from plaint.collectors.pages import HandCollector, PageCollector, page_collector, platform_of
from plaint.collectors.registry import collector_sources
from plaint.config import Config
from plaint.demo import DEMO_DB, DEMO_EXPORT, run_demo
from plaint.http import PoliteClient
from plaint.pipeline import RunSummary
from plaint.pseudonym import load_pseudonymiser
from plaint.render import (
    print_import_summary,
    print_summary,
    summary_dict,
    write_rows,
)
from plaint.runcontrol import LockHeld
from plaint.runlog import append_log
from plaint.runner import StoppedAtOnce, run_locked
from plaint.storage.database import Database, database_url, describe
from plaint.workers import default_workers


def _stopping_notice() -> None:
    typer.echo("plaint: stopping after the batch in hand; a second Ctrl-C (or SIGTERM) stops at once", err=True)


def _locked_run(config: Config, url: str, sources: Mapping[str, Any], command: str, quiet: bool,
                log_file: Path | None, full: bool = True, workers: int = 0) -> RunSummary:
    """The run (runner.py), with its notes and progress shown, and its --log-file line."""
    try:
        with progress_display(quiet) as progress:
            summary = run_locked(config, url, sources, command, full=full, workers=workers, progress=progress,
                                 note=lambda line: typer.echo(f"note: {line}", err=True), stopping=_stopping_notice)
    except LockHeld as exc:
        raise fail(str(exc), EXIT_NOTHING_RAN) from None
    except StoppedAtOnce as exc:
        raise fail(str(exc), EXIT_INTERRUPTED) from None
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
    quiet: QuietOption = False,
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
    with reported_errors():
        config = read_config(keywords)
        sources = collector_sources(config, platform)
        summary = _locked_run(config, database_url(db), sources, "scrape", quiet or as_json, log_file, full)
    print_run(summary, as_json)


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
    quiet: QuietOption = False,
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
            raise fail(f"--template {template!r}: use csv or jsonl")
        typer.echo(hand_template(template), nl=False)
        return
    if not paths:
        raise fail("name the files or folders to import (or use --template csv to start one)")
    with reported_errors():
        config = read_config(keywords)
        sources = import_sources(paths, platform, encoding, strict)
        if not sources:
            raise fail("no files found in " + ", ".join(map(str, paths)))
        summary = _locked_run(config, database_url(db), sources, "import", quiet or as_json, log_file,
                              workers=default_workers() if workers is None else workers)
    if not as_json:
        print_import_summary(summary, sys.stdout, sys.stderr)
    print_run(summary, as_json)


@app.command()
def add(
    url: Annotated[str, typer.Argument(help="The post's public URL.")],
    text: Annotated[str | None, typer.Option("--text", help="The post's text, when plaint cannot fetch "
                                             "the page.")] = None,
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
    with reported_errors():
        config = read_config(keywords)
        when = moment(created, "--created")
        if text is not None:
            where = platform or platform_of(url)
            if where is None:
                raise fail(f"cannot tell the platform of {url}; add --platform")
            source: HandCollector | PageCollector = HandCollector(url, text, where, author, title, when)
        else:
            source = page_collector(url, PoliteClient())
        summary = _locked_run(config, database_url(db), {url: lambda: source}, "add", True, None)
    print_run(summary, as_json)


@app.command()
def demo(as_json: JsonOption = False) -> None:
    """Run the whole pipeline on recorded Reddit answers: no network, no credentials.

    It writes plaint-demo.db (or $PLAINT_DB) and plaint-demo-corpus.csv here, replacing its own
    earlier ones.

    Exit status: 0 done; 4 the database cannot be opened or written.
    """
    with reported_errors():
        url = database_url(os.environ.get("PLAINT_DB") or DEMO_DB)
        pseudonym = load_pseudonymiser()
        with progress_display(as_json) as progress:
            result = run_demo(Database(url), Path(DEMO_EXPORT), pseudonym, progress)
    announce_new_key(pseudonym)
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

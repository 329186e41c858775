"""Shared parts of the commands: the app, common options, exit statuses, and how errors and runs are reported."""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from plaint.config import Config, load_config
from plaint.errors import PlaintError
from plaint.pipeline import Progress, RunSummary
from plaint.pseudonym import Pseudonymiser
from plaint.render import (
    FORMATS,
    TerminalProgress,
    print_summary,
    summary_dict,
)
from plaint.storage.database import StorageError
from plaint.storage.screenings import check_reviewer, selection

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


# Exit codes a cron job can act on.
EXIT_OK, EXIT_USAGE, EXIT_PARTIAL, EXIT_NOTHING_RAN, EXIT_INTERRUPTED = 0, 2, 3, 4, 5


DbOption = Annotated[str | None, typer.Option("--db", help="SQLite file or SQLAlchemy URL "
                                                 "(default: $PLAINT_DB, else ./plaint.db).")]


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
KeywordsOption = Annotated[Path | None, typer.Option("--keywords", help="keywords.yaml to use "
                                                        "(default: $PLAINT_KEYWORDS, else ./keywords.yaml, "
                                                        "else the built-in one).")]


JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable summary.")]


ReviewOption = Annotated[bool, typer.Option("--include-review", help="Add posts still waiting for a person: the "
                                            "review tier not screened, and posts a reviewer was unsure of.")]


ConfirmedOption = Annotated[bool, typer.Option("--confirmed-only", help="Only posts a reviewer confirmed as "
                                               "complaints (not the complaint tier nobody screened).")]


FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")]


LogFileOption = Annotated[Path | None, typer.Option("--log-file", help="Append one line per platform "
                                                       "(or file) with its counts.")]


ReviewerOption = Annotated[str | None, typer.Option("--reviewer", help="Who decides (default: $PLAINT_REVIEWER, "
                                                  "else your login name).")]


def screening_statuses(confirmed_only: bool, include_review: bool) -> tuple[str, ...]:
    """The screening statuses a command takes (README: Screening)."""
    try:
        return selection(confirmed_only, include_review)
    except PlaintError as exc:
        raise fail(str(exc)) from None


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"plaint: error: {message}", err=True)
    return typer.Exit(code)


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the errors a researcher can fix into one line on stderr instead of a traceback."""
    try:
        yield
    except StorageError as exc:  # the database cannot be opened or written: nothing (more) could run
        raise fail(str(exc), EXIT_NOTHING_RAN) from None
    except PlaintError as exc:
        raise fail(str(exc)) from None


def read_config(keywords: Path | None) -> Config:
    """keywords.yaml, with a line on stderr for each thing in it that looks wrong but stops nothing."""
    config = load_config(keywords)
    for warning in config.warnings:
        typer.echo(f"plaint: warning: {warning}", err=True)
    return config


@contextlib.contextmanager
def progress_display(quiet: bool) -> Iterator[Progress | None]:
    """Progress on a terminal only: under cron (no terminal) the run prints just its summary."""
    if quiet or not sys.stderr.isatty():
        yield None
    else:
        with TerminalProgress() as progress:
            yield progress


def print_run(summary: RunSummary, as_json: bool) -> None:
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


def moment(value: str | None, option: str) -> datetime | None:
    """A date or time given on the command line; UTC unless it names a zone."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except ValueError:
        raise fail(f"{option} {value!r}: write it as 2026-10-02 or 2026-10-02T21:14+08:00") from None
    except OverflowError:
        raise fail(f"{option} {value!r}: in UTC that falls outside the years 1 to 9999") from None


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise fail(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")


def reviewer_name(name: str | None) -> str:
    if name is None:
        name = os.environ.get("PLAINT_REVIEWER")
    if name is None:
        with contextlib.suppress(Exception):  # no login name (a container's unnamed user): ask for one
            name = getpass.getuser()
    return check_reviewer(name)


def announce_new_key(pseudonym: Pseudonymiser) -> None:
    if pseudonym.created:
        typer.echo(f"created a new pseudonym key in {pseudonym.source}; keep it (and keep it out of the "
                   "corpus): exports made with another key will not join", err=True)

"""Commands that look after the database and the project: sweep, init, db upgrade, version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plaint import __version__, platforms
from plaint.cli.base import (
    EXIT_NOTHING_RAN,
    DbOption,
    app,
    fail,
    read_config,
    reported_errors,
)
from plaint.config import default_keywords_text
from plaint.errors import CollectorUnavailable
from plaint.render import sweep_line
from plaint.runcontrol import LockHeld, RunLock
from plaint.storage.database import Database, database_url, describe
from plaint.storage.schema import current as current_revision
from plaint.storage.store import Store
from plaint.sweep import sweep_platforms


@app.command()
def sweep(
    platform: Annotated[list[str] | None, typer.Option("--platform", "-p", help=f"{', '.join(platforms.sweepable())} "
                                                          "(repeatable); default: all of them.")] = None,
    db: DbOption = None,
) -> None:
    """Re-check stored posts and erase those deleted, removed or no longer public.

    Reddit through its API (100 ids a request), TikTok videos by id through the Research API (100 at
    a time), Douban topics and Tieba threads by fetching them again (robots.txt permitting).
    Reddit's terms require honouring deletions, TikTok's a refresh every 15 days: run it weekly.

    Exit status: 0 done (a platform without credentials is skipped and said so); 2 a usage error
    or no database at --db; 4 the database cannot be opened or written, or a run holds it.
    """
    with reported_errors():
        config = read_config(None)
        database = Database(database_url(db), create=False)
        try:
            with RunLock(database.url):
                for name, outcome in sweep_platforms(Store(database), config, platform):
                    if isinstance(outcome, CollectorUnavailable):
                        typer.echo(f"{name}: skipped - {outcome}")
                    else:
                        typer.echo(sweep_line(name, outcome))
        except LockHeld as exc:
            raise fail(str(exc), EXIT_NOTHING_RAN) from None


@app.command()
def init(force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False) -> None:
    """Write the default keywords.yaml here, to edit: plaint reads ./keywords.yaml from then on.

    Exit status: 0 written; 2 keywords.yaml exists (use --force to replace it).
    """
    target = Path("keywords.yaml")
    if target.exists() and not force:
        raise fail(f"{target.resolve()} exists; edit it, or use --force to replace it")
    try:
        target.write_text(default_keywords_text(), encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {target.resolve()} ({exc.strerror or exc}); run plaint init in a folder you "
                    "can write") from None
    typer.echo(f"wrote {target.resolve()}")


db_app = typer.Typer(help="The database itself.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database's schema up to this plaint's (SQLite or PostgreSQL); safe to repeat.

    It makes the database if there is none. Exit status: 0 done; 2 a usage error; 4 the database
    cannot be opened or written.
    """
    with reported_errors():
        url = database_url(db)
        database = Database(url)  # opening runs the migrations
        revision = current_revision(database.engine)
    typer.echo(f"{describe(url)}: schema at revision {revision}")


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


@app.command()
def version() -> None:
    """Print plaint's version and its screening model's."""
    _version_lines()

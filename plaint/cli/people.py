"""Commands about the people behind the posts: candidates, contact, forget."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from plaint import platforms
from plaint.cli.base import (
    EXIT_NOTHING_RAN,
    ConfirmedOption,
    DbOption,
    FormatOption,
    ReviewOption,
    app,
    check_format,
    fail,
    moment,
    reported_errors,
    screening_statuses,
)
from plaint.pseudonym import load_pseudonymiser
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
    write_rows,
)
from plaint.runcontrol import LockHeld, RunLock
from plaint.sampling import check_sample
from plaint.storage.database import Database, database_url


@app.command()
def candidates(
    db: DbOption = None,
    fmt: FormatOption = "table",
    platform: Annotated[list[str] | None, typer.Option("--platform", "-p", help="Only this platform "
                                                          "(repeatable).")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", "-t", help="Wrote about this discrimination type "
                                                    "(repeatable).")] = None,
    strategy: Annotated[list[str] | None, typer.Option("--strategy", "-s", help="Described this alignment strategy "
                                                       "(repeatable).")] = None,
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
    check_format(fmt)
    with reported_errors():
        check_sample(sample, seed)
        where = CandidateFilter(tuple(platform or ()), tuple(type_ or ()), tuple(strategy or ()), min_posts,
                                moment(since, "--since"), screening_statuses(confirmed_only, include_review))
        rows = list_candidates(Database(database_url(db), create=False), load_pseudonymiser(), where)
        if sample is not None:
            rows = sample_candidates(rows, sample, seed or 0, stratify)
    columns: tuple[str, ...] = ("platform", "handle", "profile_url", "message_url", "posts", "types", "strategies",
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
    check_format(fmt)
    with reported_errors():
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
    with reported_errors():
        database = Database(database_url(db), create=False)
        try:
            with RunLock(database.url, platforms.names()):  # no run stores their posts meanwhile
                platform, handle, erased = forget_author(database, load_pseudonymiser(), author)
        except LockHeld as exc:
            raise fail(str(exc), EXIT_NOTHING_RAN) from None
    typer.echo(f"forgot {platform}:{handle}: {erased} posts erased (their ids kept so they are never collected "
               "again); on the do-not-contact list, and any later post of theirs is stored without them")

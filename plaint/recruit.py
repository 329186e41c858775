"""Candidate participants: the authors of kept posts whom the study may invite to an interview.

Which posts make their authors candidates follows the screening (storage/screenings.py): by
default posts a person confirmed and complaint-tier posts nobody screened yet; a rejected or
disputed post never does. A confirmed post lends its author the codes its reviewers confirmed,
otherwise the lexicons' suggestions.

Never listed: posts without an author (TikTok comments), authors marked do-not-contact (even
after a purge: the list keeps their keyed pseudonym), authors whose post was deleted or hidden on
the platform, authors of a locked thread (its moderators closed it), and authors who stated they
are under 18. Copies count once, under the original's author.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from plaint import platforms
from plaint.config import STRATEGY_CODES, TYPE_CODES
from plaint.errors import PlaintError
from plaint.pseudonym import Pseudonymiser
from plaint.sampling import sample
from plaint.storage.contacts import (
    DO_NOT_CONTACT,
    do_not_contact_keys,
    find_authors,
    history,
    record_status,
)
from plaint.storage.database import Database
from plaint.storage.readout import authors_with_posts
from plaint.storage.screenings import CONFIRMED, DEFAULT

STATUSES = ("new", "invited", "replied", "agreed", "declined", DO_NOT_CONTACT)
STRATIFY = ("platform", "type")


@dataclass(frozen=True)
class CandidateFilter:
    platforms: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    min_posts: int = 1
    since: datetime | None = None
    statuses: tuple[str, ...] = DEFAULT  # posts of these screening statuses make their authors candidates

    def __post_init__(self) -> None:
        for value, codes, what in ((self.types, TYPE_CODES, "type"), (self.strategies, STRATEGY_CODES, "strategy")):
            unknown = [v for v in value if v not in codes]
            if unknown:
                raise PlaintError(f"unknown {what} {unknown[0]!r}; use one of {', '.join(codes)}")


@dataclass(frozen=True)
class Candidate:
    platform: str
    handle: str
    profile_url: str | None
    message_url: str | None
    posts: int
    types: list[str]
    strategies: list[str]
    first_post_at: datetime | None
    latest_post_at: datetime | None
    contact_status: str
    post_urls: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        row = asdict(self)
        for name in ("first_post_at", "latest_post_at"):
            row[name] = row[name].isoformat() if row[name] else None
        return row


def list_candidates(database: Database, pseudonym: Pseudonymiser,
                    where: CandidateFilter = CandidateFilter()) -> list[Candidate]:
    """One row per contactable author matching `where`, most posts first."""
    blocked = do_not_contact_keys(database, pseudonym.check)
    candidates = []
    for author, screened_posts in authors_with_posts(database, where.statuses):
        posts = [post for post, _ in screened_posts]
        if (author.stated_minor or author.deleted_content or author.contact_status == DO_NOT_CONTACT
                or any(post.no_contact for post in posts)
                or pseudonym.author(author.platform, author.handle) in blocked):
            continue
        codes = [(s.types, s.strategies) if s.status == CONFIRMED else (p.types, p.strategies)
                 for p, s in screened_posts]
        types = sorted({c for chosen, _ in codes for c in chosen}, key=TYPE_CODES.index)
        strategies = sorted({c for _, chosen in codes for c in chosen}, key=STRATEGY_CODES.index)
        dates = sorted(p.created_at for p in posts if p.created_at)
        if not _matches(where, author.platform, len(posts), types, strategies, dates):
            continue
        platform = platforms.get(author.platform)
        message = platform.message_url if platform else None  # elsewhere the profile is the way in
        candidates.append(Candidate(
            platform=author.platform, handle=author.handle, profile_url=author.profile_url,
            message_url=message.format(handle=author.handle) if message else None,
            posts=len(posts), types=types, strategies=strategies,
            first_post_at=dates[0] if dates else None, latest_post_at=dates[-1] if dates else None,
            contact_status=author.contact_status, post_urls=[p.url for p in posts if p.url]))
    candidates.sort(key=lambda c: (-c.posts, c.platform, c.handle.lower()))
    return candidates


def _matches(where: CandidateFilter, platform: str, count: int, types: list[str], strategies: list[str],
             dates: list[datetime]) -> bool:
    return ((not where.platforms or platform in where.platforms)
            and (not where.types or bool(set(where.types) & set(types)))
            and (not where.strategies or bool(set(where.strategies) & set(strategies)))
            and count >= where.min_posts
            and (where.since is None or bool(dates and dates[-1] >= where.since)))


def sample_candidates(candidates: list[Candidate], size: int, seed: int, stratify: str | None) -> list[Candidate]:
    """A reproducible purposive sample; `stratify` by platform or by first discrimination type."""
    strata = {None: None, "platform": lambda c: c.platform,
              "type": lambda c: c.types[0] if c.types else "none"}
    if stratify not in strata:
        raise PlaintError(f"--stratify {stratify!r}: use one of {', '.join(STRATIFY)}")
    return sample(candidates, size, seed, identity=lambda c: f"{c.platform}:{c.handle.lower()}",
                  stratum=strata[stratify])


def set_contact_status(database: Database, pseudonym: Pseudonymiser, author: str, status: str,
                       note: str | None = None) -> tuple[str, str]:
    """Record `status` for AUTHOR ("platform:handle", or a handle found on one platform only).

    do-not-contact may name an author plaint has not stored (someone who wrote to the team): the
    keyed pseudonym goes on the list, and they will never be listed.
    """
    if status not in STATUSES:
        raise PlaintError(f"status {status!r}: use one of {', '.join(STATUSES)}")
    author_id, platform, handle = _named_author(database, author, unstored=status == DO_NOT_CONTACT)
    record_status(database, author_id, pseudonym.author(platform, handle), status, note, pseudonym.check)
    return platform, handle


def _named_author(database: Database, author: str, unstored: bool) -> tuple[int | None, str, str]:
    """(id, platform, handle) of the one stored author AUTHOR names; with `unstored`, an author
    written platform:handle may also be one plaint has not stored (id None)."""
    platform, handle = _split(author)
    found = find_authors(database, platform, handle)
    if len(found) > 1:
        options = ", ".join(f"{p}:{h}" for _, p, h in found)
        raise PlaintError(f"{author!r} names several authors ({options}); write it as platform:handle")
    if found:
        return found[0]
    if not unstored or platform is None:
        raise PlaintError(f"no stored author {author!r}" + ("" if platform else
                          "; write it as platform:handle (for example reddit:some_user)"))
    return None, platform, handle


def resolve_author(database: Database, author: str) -> tuple[str, str]:
    """The one stored (platform, handle) that AUTHOR names."""
    platform, handle = _split(author)
    found = find_authors(database, platform, handle)
    if len(found) != 1:
        options = ", ".join(f"{p}:{h}" for _, p, h in found)
        raise PlaintError(f"{author!r} names several authors ({options}); write it as platform:handle" if found
                          else f"no stored author {author!r}")
    return found[0][1], found[0][2]


def contact_history(database: Database, pseudonym: Pseudonymiser, platform: str, handle: str) -> list[dict[str, Any]]:
    return history(database, pseudonym.author(platform, handle))


def _split(author: str) -> tuple[str | None, str]:
    platform, sep, handle = author.partition(":")
    if sep and platform and handle and platform.isidentifier():
        return platform.lower(), handle
    return None, author


def forget_author(database: Database, pseudonym: Pseudonymiser, author: str) -> tuple[str, str, int]:
    """An author who asks to be removed: every post of theirs erased (their ids kept as tombstones,
    so nothing is collected again), the author deleted, never to be listed again, and any later
    post of theirs stored without them. An author plaint has not stored can be forgotten ahead
    (written platform:handle), as someone who writes to the team before their posts are found."""
    from plaint.storage.store import Store

    author_id, platform, handle = _named_author(database, author, unstored=True)
    erased = Store(database, pseudonym).erasure.forget_author(pseudonym, platform, handle, author_id,
                                                      "removed at the author's request (plaint forget)")
    return platform, handle, erased

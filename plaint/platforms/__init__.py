"""What plaint knows about each platform, in one place: one module per platform in this package,
each defining `PLATFORM`, found by a loader (as 4CAT finds its data sources), never listed by hand.

A `Platform` says which access routes the terms of service allow, which hosts its URLs live on,
whether and how `plaint add` reads its pages, how `plaint scrape` searches it and `plaint sweep`
re-checks it, where a researcher writes to its users, and how its ids and URLs are formed. The
filters, collectors, sweep, recruitment and the CLI all read it here.

This is the core layer: it imports nothing of plaint above it. The parts that live higher up (a
collector class, a page parser, a sweeper) are named as "module:attribute" and loaded on use, the
way entry points are, so that an arrow never points down-up.

Adding an import-only platform is one module here with `PLATFORM = Platform(name=..., hosts=...)`.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Routes every platform has: files the researcher imports (captures, exports, posts gathered by
# hand). Reddit's archive dumps (Arctic Shift, Pushshift) hold public subreddits only.
IMPORT = "import"
ARCHIVE_DUMP = "archive_dump"
ADD_URL = "add_url"  # one public page fetched by `plaint add`, robots.txt permitting
COMMENT_PREFIX = "comment:"


def comment_id(raw: object) -> str:
    """A comment's stored id: its platform id marked as a comment's, so it never collides with
    the id of a post, video or note on the same platform."""
    return f"{COMMENT_PREFIX}{raw}"


@dataclass(frozen=True)
class PageReader:
    """A public page `plaint add` can fetch and read: a host, the path of a readable page on it,
    and the parser (named "module:function", taking html, url and provenance) that reads it."""

    host: str
    path: re.Pattern[str]
    parser: str


@dataclass(frozen=True)
class Platform:
    """One platform, as every part of plaint needs to know it (see the module's docstring)."""

    name: str
    label: str  # as people write it
    hosts: tuple[str, ...]  # host suffixes of its URLs ("reddit.com" also covers www.reddit.com)
    # Where it comes in lists and runs (scrape searches Reddit first); then by name.
    order: int = 100
    # Access routes besides import that the terms of service allow (the research in DESIGN.md).
    routes: frozenset[str] = frozenset()
    # Routes that can only ever see public content: a record they bring without a stated
    # visibility (old Reddit listings lack `subreddit_type`) is public by construction.
    public_routes: frozenset[str] = frozenset()
    # What each of its routes cannot see, in words for a methods section's limitations.
    limits: Mapping[str, str] = field(default_factory=dict)
    # Why `plaint add` does not fetch its pages (None when it can read them: see `page`).
    not_fetched: str | None = None
    page: PageReader | None = None
    # A thread's page, by thread id: where sweep re-checks a stored thread that may be gone.
    thread_url: str | None = None
    # Where a researcher writes to a user ({handle}); elsewhere the profile is the way in.
    message_url: str | None = None
    # `plaint scrape`: its collector class ("module:Class" with from_environment(config)).
    collector: str | None = None
    # `plaint sweep`: a function "module:function" (store, platform, config) -> SweepResult.
    sweeper: str | None = None
    # keywords.yaml `platforms.<name>`: its settings class and the reader that builds it.
    settings: type | None = None
    read_settings: Callable[[Any, dict[str, Any], str], Any] | None = None
    all_routes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_routes", frozenset({IMPORT, *self.routes}))

    def allows(self, route: str) -> bool:
        return route in self.all_routes

    def owns(self, host: str) -> bool:
        return any(host == suffix or host.endswith("." + suffix) for suffix in self.hosts)

    def url_of_thread(self, thread_id: str) -> str | None:
        return self.thread_url.format(thread_id) if self.thread_url else None


def load(reference: str) -> Any:
    """The object a "module:attribute" reference names."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


@functools.cache
def _found() -> dict[str, Platform]:
    found: dict[str, Platform] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        platform = getattr(importlib.import_module(f"{__name__}.{module.name}"), "PLATFORM", None)
        if not isinstance(platform, Platform):
            raise TypeError(f"{__name__}.{module.name} defines no PLATFORM = Platform(...)")
        found[platform.name] = platform
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))


def every() -> dict[str, Platform]:
    """Every platform plaint knows, by name, Reddit first."""
    return _found()


def names() -> tuple[str, ...]:
    return tuple(every())


def get(name: str) -> Platform | None:
    return every().get(name)


def searchable() -> dict[str, Platform]:
    """The platforms `plaint scrape` can search."""
    return {name: p for name, p in every().items() if p.collector}


def sweepable() -> dict[str, Platform]:
    """The platforms `plaint sweep` can re-check."""
    return {name: p for name, p in every().items() if p.sweeper}


def with_settings() -> Iterator[Platform]:
    return (p for p in every().values() if p.settings is not None)


# What the routes every platform shares cannot see.
SHARED_LIMITS = {
    ADD_URL: "Single public pages added by hand.",
    IMPORT: "Files collected by hand or with capture tools: only what the person or tool saw.",
}


def route_limits() -> dict[str, str]:
    """Every route's limits, for the methods manifest."""
    limits = dict(SHARED_LIMITS)
    for platform in every().values():
        limits.update(platform.limits)
    return limits


def of_url(url: str) -> Platform | None:
    """The platform a URL belongs to, by its host."""
    host = urlsplit(url).netloc.lower().split(":")[0]
    return next((p for p in every().values() if p.owns(host)), None)

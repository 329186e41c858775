"""Reddit through its Data API (PRAW): search companion subreddits, then read each thread's comments.

PRAW objects fetch themselves lazily when an attribute is missing, so the mappers read only what
Reddit sent (`vars(obj)`), never attributes, and name what was not there in `Post.missing`. The
same mappers serve archive dumps, which carry the same fields.

Reach: app-only (read-only) OAuth, so only public content is visible; 100 requests a minute per
client, which prawcore's rate limiter honours from Reddit's headers; listings end near 1,000
items, which is reported, not hidden.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from plaint import __version__
from plaint.config import Config
from plaint.errors import CollectorFailed, CollectorUnavailable
from plaint.platforms.reddit import API_ROUTE as ROUTE
from plaint.platforms.reddit import SITE, RedditSettings
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query, reddit_queries

if TYPE_CHECKING:  # PRAW, prawcore and requests are imported where they are used: a command
    import praw  # that reaches no Reddit (plaint tag, plaint --help) does not wait for them
    import requests

LISTING_CAP = 1000  # Reddit stops a listing near this many items, whatever the query.
USER_AGENT = f"python:plaint:{__version__} (academic research on AI companion harms)"
CREDENTIALS_HELP = (
    "Reddit needs API credentials: create a 'script' app at https://www.reddit.com/prefs/apps, then "
    "set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (or client_id/client_secret in a [plaint] section "
    "of praw.ini)."
)
_PUBLIC_SUBREDDIT_TYPES = {"public", "restricted", "user", "archived"}
_SUBMISSION_FIELDS = ("author_fullname", "subreddit_type", "removed_by_category", "locked", "archived",
                      "over_18", "quarantine", "score", "num_comments", "created_utc")
_COMMENT_FIELDS = ("author_fullname", "permalink", "locked", "score", "created_utc")


def connect(session: requests.Session | None = None, env: Mapping[str, str] | None = None) -> praw.Reddit:
    """A read-only PRAW client from the environment or praw.ini; one clear error when none is set."""
    import praw
    from praw.exceptions import MissingRequiredAttributeException

    env = os.environ if env is None else env
    settings: dict[str, Any] = {key: env[name] for key, name in (("client_id", "REDDIT_CLIENT_ID"),
                                                 ("client_secret", "REDDIT_CLIENT_SECRET"),
                                                 ("user_agent", "REDDIT_USER_AGENT")) if env.get(name)}
    settings.setdefault("user_agent", USER_AGENT)
    if session is not None:
        settings["requestor_kwargs"] = {"session": session}
    try:
        try:
            reddit = praw.Reddit("plaint", check_for_updates=False, check_for_async=False, **settings)
        except configparser.NoSectionError:
            reddit = praw.Reddit(check_for_updates=False, check_for_async=False, **settings)
    except MissingRequiredAttributeException:
        raise CollectorUnavailable(CREDENTIALS_HELP) from None
    if not reddit.config.client_secret:
        raise CollectorUnavailable(CREDENTIALS_HELP)
    reddit.read_only = True  # never act as a user: only what the public can see
    return reddit


class RedditCollector:
    platform = "reddit"

    def __init__(self, reddit: praw.Reddit, config: Config) -> None:
        self.reddit = reddit
        self.config = config
        self.settings: RedditSettings = config.reddit
        self.warnings: list[str] = []

    @classmethod
    def from_environment(cls, config: Config, session: requests.Session | None = None) -> RedditCollector:
        return cls(connect(session), config)

    def queries(self) -> list[Query]:
        return reddit_queries(self.config)

    def search(self, query: Query) -> Iterator[Post]:
        import prawcore

        params = {"q": query.text, "sort": self.settings.sort,
                  "syntax": self.settings.syntax, "t": self.settings.time_filter}
        provenance = Provenance(ROUTE, query.text, f"https://oauth.reddit.com/r/{query.scope}/search/?"
                                + urlencode(params))
        listing = self.reddit.subreddit(query.scope).search(
            query.text, sort=self.settings.sort, syntax=self.settings.syntax,
            time_filter=self.settings.time_filter, limit=None)
        seen = 0
        try:
            for submission in listing:
                seen += 1
                post = map_submission(vars(submission), provenance)
                if self._already_seen(post, query):
                    return  # newest first: everything from here on was read by an earlier run
                yield post
                if self.settings.comments and (post.num_comments or 0) > 0:
                    yield from self._comments(submission, post, provenance)
        except prawcore.exceptions.ResponseException as exc:
            status = exc.response.status_code
            hint = " (check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET)" if status == 401 else ""
            raise CollectorFailed(f"Reddit answered HTTP {status} to {query}{hint}") from exc
        except prawcore.exceptions.RequestException as exc:
            raise CollectorFailed(f"Reddit could not be reached for {query}: {exc.original_exception}") from exc
        if seen >= LISTING_CAP * 0.98:
            self.warnings.append(
                f"{query}: {seen} results, Reddit's listing cap (~{LISTING_CAP}); older matches were not "
                "reachable through search (import an archive dump to see them)")

    def _already_seen(self, post: Post, query: Query) -> bool:
        return (self.settings.sort == "new" and query.since is not None and post.created_at is not None
                and post.created_at <= query.since)

    def _comments(self, submission: Any, thread: Post, provenance: Provenance) -> Iterator[Post]:
        unread = submission.comments.replace_more(limit=self.settings.more_comments)
        if unread:
            self.warnings.append(f"reddit {thread.native_id}: {len(unread)} 'more comments' branches "
                                 "left unread (raise platforms.reddit.more_comments to read them)")
        for comment in submission.comments.list():
            yield map_comment(vars(comment), thread, provenance)


def _text(value: Any) -> str:
    """Only strings are text: an archive dump's list or number in a text field is a bad record."""
    if value is None or isinstance(value, str):
        return value or ""
    raise ValueError(f"a text field holds {type(value).__name__} {str(value)[:40]!r}, not text")


def _author(data: Mapping[str, Any]) -> Author | None:
    name = data.get("author")
    name = None if name is None else str(name)  # PRAW gives a Redditor object; dumps give a string
    if not name or name in ("[deleted]", "[removed]"):
        return None
    return Author("reddit", name, data.get("author_fullname"), f"{SITE}/user/{name}/")


def created_of(data: Mapping[str, Any]) -> datetime | None:
    """When a Reddit thing was made (`created_utc`); a value that is no time raises, a bad record."""
    stamp = data.get("created_utc")
    return None if stamp is None else datetime.fromtimestamp(float(stamp), tz=UTC)


def visibility_of(data: Mapping[str, Any]) -> Visibility:
    """Who can read a Reddit thing, as its subreddit's type and quarantine say."""
    if data.get("quarantine"):
        return Visibility.QUARANTINED
    kind = data.get("subreddit_type")
    if kind is None:
        return Visibility.UNKNOWN
    return Visibility.PUBLIC if kind in _PUBLIC_SUBREDDIT_TYPES else Visibility.PRIVATE


def _permalink(data: Mapping[str, Any]) -> str | None:
    link = data.get("permalink")
    if not link:
        return None
    return SITE + str(link).split("?", 1)[0] if str(link).startswith("/") else str(link).split("?", 1)[0]


def _missing(data: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in names if name not in data)


def map_submission(data: Mapping[str, Any], provenance: Provenance) -> Post:
    """One Reddit `t3` object (a PRAW Submission's vars or a dump line) as a Post."""
    body = _text(data.get("selftext"))
    removed_by = data.get("removed_by_category")
    deleted = removed_by == "deleted" or body == "[deleted]"
    removed = not deleted and (removed_by is not None or body == "[removed]")
    return Post(
        platform="reddit",
        native_id=str(data.get("name") or f"t3_{data['id']}"),
        kind=Kind.POST,
        provenance=provenance,
        url=_permalink(data),
        thread_id=f"t3_{data['id']}",
        community=str(data["subreddit"]) if data.get("subreddit") is not None else None,
        title=_text(data.get("title")) or None,
        text="" if body in ("[deleted]", "[removed]") else body,
        author=_author(data),
        created_at=created_of(data),
        score=data.get("score"),
        num_comments=data.get("num_comments"),
        visibility=visibility_of(data),
        deleted=deleted,
        removed=removed,
        nsfw=data.get("over_18"),
        locked=data.get("locked"),
        archived=data.get("archived"),
        missing=_missing(data, _SUBMISSION_FIELDS),
    )


def map_comment(data: Mapping[str, Any], thread: Post, provenance: Provenance) -> Post:
    """One Reddit `t1` object as a Post; it is as public, NSFW and locked as its thread."""
    body = _text(data.get("body"))
    link_id = str(data.get("link_id") or thread.native_id)
    url = _permalink(data)
    if url is None and thread.url:
        url = f"{thread.url.rstrip('/')}/{data['id']}/"
    return Post(
        platform="reddit",
        native_id=str(data.get("name") or f"t1_{data['id']}"),
        kind=Kind.COMMENT,
        provenance=provenance,
        url=url,
        parent_id=data.get("parent_id"),
        thread_id=link_id,
        community=thread.community,
        title=None,
        text="" if body in ("[deleted]", "[removed]") else body,
        author=_author(data),
        created_at=created_of(data),
        score=data.get("score"),
        visibility=thread.visibility,
        deleted=body == "[deleted]",
        removed=body == "[removed]",
        nsfw=thread.nsfw,
        locked=bool(data.get("locked")) or bool(thread.locked),
        archived=thread.archived,
        missing=_missing(data, _COMMENT_FIELDS),
    )


def map_lone_comment(data: Mapping[str, Any], provenance: Provenance) -> Post:
    """A `t1` object met without its thread (an archive dump line, an `/api/info` answer): the
    thread is known only by id, so the comment's own copy of the thread's flags stands in."""
    thread = Post(platform="reddit", native_id=str(data.get("link_id")), kind=Kind.POST, provenance=provenance,
                  community=str(data.get("subreddit") or "") or None,
                  visibility=Visibility.QUARANTINED if data.get("quarantined") else Visibility.UNKNOWN,
                  nsfw=data.get("over_18"), locked=data.get("locked"), archived=data.get("archived"))
    return map_comment(data, thread, provenance)

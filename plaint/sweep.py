"""`plaint sweep`: re-checks that stored posts still exist and are public, and erases those that
are not. Reddit's terms require honouring deletions; run it at least weekly (see README).

Reddit is asked through its API, 100 ids a request (`/api/info`). A post Reddit no longer returns
(a banned or private subreddit) is treated like a deleted one. TikTok videos are asked for again
by id through the Research API; one no longer returned goes, with its comments. Douban topics and Tieba threads are
fetched again, robots.txt permitting: a page that is gone (404, 410) takes all its stored posts
with it. A single reply missing from a page is not taken as deleted, as it may sit on a later page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plaint.collectors.reddit import map_lone_comment, map_submission
from plaint.collectors.tiktok import TikTokCollector
from plaint.config import TosSettings
from plaint.errors import CollectorFailed
from plaint.filters.tos import GONE_REASONS, TosFilter
from plaint.http import Blocked, Disallowed, PoliteClient
from plaint.post import Post, Provenance
from plaint.storage import chunks
from plaint.storage.store import Store

if TYPE_CHECKING:  # imported where used: only a Reddit sweep needs PRAW
    import praw

BATCH = 100
_PROVENANCE = Provenance("reddit_api", "sweep")


@dataclass
class SweepResult:
    checked: int = 0
    erased: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


def sweep_reddit(store: Store, reddit: praw.Reddit, progress: Callable[[int], None] | None = None) -> SweepResult:
    """Ask Reddit about every stored, not yet erased Reddit post; erase the ones gone."""
    import prawcore

    result = SweepResult()
    tos = TosFilter(TosSettings(allow_nsfw=True))  # only the public/deleted part matters here
    for batch in chunks(store.live_ids("reddit"), BATCH):
        seen: dict[str, Post] = {}
        try:
            for thing in reddit.info(fullnames=list(batch)):
                post = _map(thing)
                seen[post.native_id] = post
        except prawcore.exceptions.PrawcoreException as exc:
            raise CollectorFailed(f"Reddit could not be asked about stored posts: {exc}") from exc
        gone: list[tuple[str, str]] = []
        for native_id in batch:
            post = seen.get(native_id)
            reason = "no longer returned" if post is None else tos.check(post).reason
            if post is None or reason in GONE_REASONS:
                gone.append(("reddit", native_id))
                result.erased[reason] += 1
        store.erase_keys(gone)
        result.checked += len(batch)
        if progress:
            progress(result.checked)
    return result


PAGE_URLS = {"douban": "https://www.douban.com/group/topic/{}/", "tieba": "https://tieba.baidu.com/p/{}"}


def sweep_pages(store: Store, client: PoliteClient, platforms: tuple[str, ...] = tuple(PAGE_URLS),
                progress: Callable[[int], None] | None = None) -> SweepResult:
    """Fetch each stored Douban topic and Tieba thread again; erase the posts of pages gone."""
    result = SweepResult()
    for platform in platforms:
        template = PAGE_URLS[platform]
        for thread_id, keys in store.threads(platform).items():
            url = template.format(thread_id)
            try:
                client.get(url)
            except Disallowed:
                result.skipped["robots.txt disallows re-checking"] += len(keys)
                continue
            except Blocked:
                result.skipped["a login wall"] += len(keys)
                continue
            except CollectorFailed as exc:
                if "HTTP 404" in str(exc) or "HTTP 410" in str(exc):
                    store.erase_keys(keys)
                    result.erased["page gone"] += len(keys)
                else:
                    result.skipped[f"could not check ({exc})"] += len(keys)
                continue
            finally:
                result.checked += len(keys)
                if progress:
                    progress(result.checked)
    return result


def sweep_tiktok(store: Store, collector: TikTokCollector) -> SweepResult:
    """Ask the Research API again for every stored TikTok video; erase the videos it no longer
    returns, with their comments. TikTok's terms ask researchers to refresh data every 15 days."""
    result = SweepResult()
    videos = store.videos("tiktok")
    present = collector.still_there(videos) if videos else set()
    comments = store.threads("tiktok")
    for video_id in videos:
        result.checked += 1
        if video_id not in present:
            keys = [("tiktok", video_id), *comments.get(video_id, [])]
            store.erase_keys(keys)
            result.erased["no longer returned"] += 1
            result.erased["comments of those videos"] += len(keys) - 1
    return result


def _map(thing: object) -> Post:
    import praw

    data = vars(thing)
    if isinstance(thing, praw.models.Submission):
        return map_submission(data, _PROVENANCE)
    return map_lone_comment(data, _PROVENANCE)

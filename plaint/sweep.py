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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plaint import platforms
from plaint.collectors.reddit import connect, map_lone_comment, map_submission
from plaint.collectors.tiktok import TikTokCollector
from plaint.config import Config, TosSettings
from plaint.errors import CollectorFailed, CollectorUnavailable, ConfigError
from plaint.filters.tos import GONE_REASONS, TosFilter
from plaint.http import Blocked, Disallowed, PoliteClient
from plaint.platforms import Platform
from plaint.platforms.reddit import API_ROUTE
from plaint.post import Post, Provenance
from plaint.storage import chunks
from plaint.storage.store import Store

if TYPE_CHECKING:  # imported where used: only a Reddit sweep needs PRAW
    import praw

BATCH = 100
PAGE_INTERVAL = 5.0  # seconds between page requests, as Douban asks of crawlers
_PROVENANCE = Provenance(API_ROUTE, "sweep")


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
    for batch in chunks(store.sweep.live_ids("reddit"), BATCH):
        seen: dict[str, Post] = {}
        try:
            for thing in reddit.info(fullnames=list(batch)):
                post = _map(thing)
                seen[post.native_id] = post
        except prawcore.exceptions.PrawcoreException as exc:
            raise CollectorFailed(f"Reddit could not be asked about stored posts: {exc}") from exc
        gone: list[tuple[str, str]] = []
        for native_id in batch:
            found = seen.get(native_id)
            reason = "no longer returned" if found is None else tos.check(found).reason
            if found is None or reason in GONE_REASONS:
                gone.append(("reddit", native_id))
                result.erased[reason] += 1
        store.erasure.erase_keys(gone)
        result.checked += len(batch)
        if progress:
            progress(result.checked)
    return result


def sweep_pages(store: Store, client: PoliteClient, names: tuple[str, ...] | None = None,
                progress: Callable[[int], None] | None = None) -> SweepResult:
    """Fetch each stored thread again (Douban topics, Tieba threads: by default every platform
    with thread pages); erase the posts of pages gone."""
    result = SweepResult()
    if names is None:
        names = tuple(name for name, platform in platforms.every().items() if platform.thread_url)
    for name in names:
        platform = platforms.get(name)
        template = platform.thread_url if platform else None
        if template is None:
            raise ValueError(f"{name} has no thread pages to re-check")
        for thread_id, keys in store.sweep.threads(name).items():
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
                    store.erasure.erase_keys(keys)
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
    videos = store.sweep.videos("tiktok")
    present = collector.still_there(videos) if videos else set()
    comments = store.sweep.threads("tiktok")
    for video_id in videos:
        result.checked += 1
        if video_id not in present:
            keys = [("tiktok", video_id), *comments.get(video_id, [])]
            store.erasure.erase_keys(keys)
            result.erased["no longer returned"] += 1
            result.erased["comments of those videos"] += len(keys) - 1
    return result


# The sweepers plaint/platforms names: (store, platform, config) -> SweepResult; each raises
# CollectorUnavailable when the platform cannot be asked (no credentials).

def reddit_sweeper(store: Store, platform: Platform, config: Config) -> SweepResult:
    return sweep_reddit(store, connect())


def tiktok_sweeper(store: Store, platform: Platform, config: Config) -> SweepResult:
    return sweep_tiktok(store, TikTokCollector.from_environment(config))


def page_sweeper(store: Store, platform: Platform, config: Config) -> SweepResult:
    return sweep_pages(store, PoliteClient(min_interval=PAGE_INTERVAL), (platform.name,))


def sweep_platforms(store: Store, config: Config, chosen: list[str] | None = None
                    ) -> Iterator[tuple[str, SweepResult | CollectorUnavailable]]:
    """Each chosen platform (all that can be swept by default) with what its sweep found, or why
    it was skipped."""
    sweepable = platforms.sweepable()
    names = chosen or list(sweepable)
    unknown = [name for name in names if name not in sweepable]
    if unknown:
        raise ConfigError(f"plaint sweeps {', '.join(sweepable)}, not {', '.join(unknown)}")
    for name in names:
        platform = sweepable[name]
        assert platform.sweeper is not None
        try:
            yield name, platforms.load(platform.sweeper)(store, platform, config)
        except CollectorUnavailable as exc:
            yield name, exc


def _map(thing: object) -> Post:
    import praw

    data = vars(thing)
    if isinstance(thing, praw.models.Submission):
        return map_submission(data, _PROVENANCE)
    return map_lone_comment(data, _PROVENANCE)

"""Douban: the public groups a researcher lists in keywords.yaml. Each group's topic list
(`/group/<id>/discussion?start=N`, 25 topics a page, about the 500 newest reachable) is read and
its titles matched here against the keywords; matching topic pages (`/group/topic/<id>/`) give
the opening post and its replies. Douban's `/search` and `/group/search` are disallowed by
robots.txt: plaint never requests them. At least 5 s pass between requests.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from plaint.collectors.imports.values import BEIJING
from plaint.config import Config
from plaint.errors import CollectorFailed, CollectorUnavailable
from plaint.http import Blocked, PoliteClient
from plaint.lexicon import Lexicon
from plaint.platforms import comment_id
from plaint.platforms.douban import GROUP_ROUTE as ROUTE
from plaint.platforms.douban import SITE, TOPIC_PATH
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query, douban_queries

if TYPE_CHECKING:  # Beautiful Soup is imported by the parsers: a command that parses no page skips it
    from bs4 import Tag

PAGE_SIZE = 25

_PEOPLE = re.compile(r"/people/([^/]+)/")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2}) (\d{2}):(\d{2})$")
_TOPIC_ID = re.compile(r"/group/topic/(\d+)")


def _author(link: Tag | None) -> Author | None:
    if link is None:
        return None
    href = link.get("href") or ""
    match = _PEOPLE.search(str(href))
    name = link.get_text(strip=True)
    if not match or name in ("[已注销]", "已注销"):
        return None  # a closed account has no one to contact
    return Author("douban", name, match.group(1), f"https://www.douban.com/people/{match.group(1)}/")


def _time(node: Tag | None) -> datetime | None:
    match = _DATE.search(node.get_text()) if node else None
    return _time_from(match.group()) if match else None


def parse_topic(html: str, url: str, provenance: Provenance) -> list[Post]:
    """The opening post and every reply on a topic page."""
    from bs4 import BeautifulSoup  # imported here: only page parsing needs it

    soup = BeautifulSoup(html, "html.parser")
    doc = soup.select_one("div.topic-doc")
    match = TOPIC_PATH.search(url.split("douban.com", 1)[-1])
    if doc is None or match is None:
        raise CollectorFailed(f"{url}: no topic on the page (a changed layout, a deleted topic, or a login wall)")
    topic_id = match.group(1)
    heading = soup.select_one("h1")
    group = soup.select_one("div.group-item .title a")
    community = group.get_text(strip=True) if group else None
    content = doc.select_one("div.topic-content")
    posts = [Post(platform="douban", native_id=topic_id, kind=Kind.POST, provenance=provenance,
                  url=f"https://www.douban.com/group/topic/{topic_id}/", thread_id=topic_id, community=community,
                  title=heading.get_text(strip=True) if heading else None,
                  text=content.get_text("\n", strip=True) if content else "",
                  author=_author(doc.select_one("span.from a")), created_at=_time(doc.select_one("span.color-green")),
                  visibility=Visibility.PUBLIC)]
    for item in soup.select("ul#comments > li.comment-item"):
        reply_id = item.get("data-cid") or item.get("id")
        reply = item.select_one("div.reply-doc")
        if not reply_id or reply is None:
            continue
        paragraph = reply.select_one("p.reply-content") or reply.select_one("p")
        posts.append(Post(platform="douban", native_id=comment_id(reply_id), kind=Kind.COMMENT, provenance=provenance,
                          url=f"https://www.douban.com/group/topic/{topic_id}/#{reply_id}", parent_id=topic_id,
                          thread_id=topic_id, community=community,
                          text=paragraph.get_text("\n", strip=True) if paragraph else "",
                          author=_author(reply.select_one("h4 a")), created_at=_time(reply.select_one("span.pubtime")),
                          visibility=Visibility.PUBLIC))
    return posts


@dataclass(frozen=True)
class TopicRow:
    """One row of a group's topic list."""

    topic_id: str
    title: str
    author: str | None
    replies: int | None
    last_reply_at: datetime | None


def resolve_time(text: str, fetched_at: datetime) -> datetime | None:
    """A list time: "2016-08-30" keeps its year; "08-30 23:58" has none and takes the fetch's
    year, or the year before when that would put it after the fetch (Beijing time)."""
    text = text.strip()
    full = _DATE.search(text)
    if full:
        return _time_from(full.group())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=BEIJING)
    match = _MONTH_DAY.match(text)
    if not match:
        return None
    local = fetched_at.astimezone(BEIJING)
    month, day, hour, minute = map(int, match.groups())
    candidate = datetime(local.year, month, day, hour, minute, tzinfo=BEIJING)
    if candidate > local:
        candidate = candidate.replace(year=local.year - 1)
    return candidate


def _time_from(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S" if text.count(":") == 2
                             else "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)


def parse_topic_list(html: str, fetched_at: datetime) -> list[TopicRow]:
    """The rows of a group's `/discussion` page (the header row and advert rows are skipped)."""
    from bs4 import BeautifulSoup  # imported here: only page parsing needs it

    soup = BeautifulSoup(html, "html.parser")
    table = soup.select_one("table.olt")
    if table is None:
        raise CollectorFailed("no topic list on the page (a changed layout, a private group, or a login wall)")
    rows = []
    for tr in table.select("tr"):
        link = tr.select_one("td.title a")
        match = _TOPIC_ID.search(str(link.get("href"))) if link else None
        if link is None or not match:
            continue
        cells = tr.find_all("td")
        author = next((a for a in tr.select("td a") if "/people/" in str(a.get("href"))), None)
        replies = next((c.get_text(strip=True) for c in cells[2:3] if c.get_text(strip=True).isdigit()), None)
        when = tr.select_one("td.time")
        rows.append(TopicRow(match.group(1), str(link.get("title") or link.get_text(strip=True)),
                             author.get_text(strip=True) if author else None, int(replies) if replies else None,
                             resolve_time(when.get_text(), fetched_at) if when else None))
    return rows


def title_matcher(config: Config) -> Callable[[str], object]:
    """Whether a topic's title holds a search, bias or type term of keywords.yaml."""
    return Lexicon({"match": [
        *config.bias_terms, *config.search_terms.get("zh", ()), *config.search_terms.get("en", ()),
        *(term.removeprefix("!") for terms in config.types.values() for term in terms)]}).matches


class DoubanCollector:
    platform = "douban"

    def __init__(self, config: Config, client: PoliteClient, titles: Callable[[str], object]) -> None:
        """`titles` tells a topic worth fetching by its title (Douban has no search a tool may use)."""
        self.config = config
        self.settings = config.douban
        self.client = client
        self.titles = titles
        self.warnings: list[str] = []
        self.skipped: Counter[str] = Counter()

    @classmethod
    def from_environment(cls, config: Config, client: PoliteClient | None = None) -> DoubanCollector:
        if not config.douban.groups:
            raise CollectorUnavailable("Douban reads only the public groups you list: add their ids under "
                                       "platforms.douban.groups in keywords.yaml")
        return cls(config, client or PoliteClient(min_interval=config.douban.interval), title_matcher(config))

    @property
    def info(self) -> dict[str, int]:
        return dict(self.skipped)

    def queries(self) -> list[Query]:
        return douban_queries(self.config)

    def search(self, query: Query) -> Iterator[Post]:
        group = query.scope
        matching: list[TopicRow] = []
        pages = 0
        for page in range(self.settings.pages):
            url = f"{SITE}/group/{group}/discussion?start={page * PAGE_SIZE}"
            try:
                response = self.client.get(url)
                rows = parse_topic_list(response.text, datetime.now(UTC))
            except Blocked:
                self.skipped["private or closed groups"] += 1
                self.warnings.append(f"douban group {group}: not public (a login wall); skipped")
                return
            except CollectorFailed as exc:
                if page == 0:
                    raise CollectorFailed(f"douban group {group}: {exc}") from None
                break
            pages += 1
            fresh = [row for row in rows if query.since is None or row.last_reply_at is None
                     or row.last_reply_at > query.since]
            matching += [row for row in fresh if self.titles(row.title)]
            if len(rows) < PAGE_SIZE or len(fresh) < len(rows):
                break  # the list is ordered by last reply: the rest has not moved since the last run
        if pages == self.settings.pages:
            self.warnings.append(f"douban group {group}: read the newest {pages * PAGE_SIZE} topics "
                                 "(platforms.douban.pages); older topics were not reached")
        for row in matching:
            url = f"{SITE}/group/topic/{row.topic_id}/"
            try:
                response = self.client.get(url)
            except Blocked:
                self.skipped["topics behind a login wall"] += 1
                continue
            except CollectorFailed as exc:
                if "HTTP 404" in str(exc) or "HTTP 410" in str(exc):
                    self.skipped["deleted topics"] += 1
                    continue
                raise
            yield from parse_topic(response.text, url, Provenance(ROUTE, f"group {group}", url))

"""`plaint add URL`: one post by hand. Where the platform's robots.txt allows fetching that public
page and plaint can read its layout (a Tieba thread, a Douban topic), plaint fetches it and reads
the opening post and its replies; anywhere else the researcher gives the text."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from plaint import platforms
from plaint.errors import CollectorFailed, ConfigError
from plaint.http import PoliteClient
from plaint.platforms import ADD_URL, IMPORT
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query

Parser = Callable[[str, str, Provenance], list[Post]]


def platform_of(url: str) -> str | None:
    platform = platforms.of_url(url)
    return platform.name if platform else None


def _reader(url: str) -> tuple[str, Parser] | None:
    """The platform and parser of a page plaint can read, or None."""
    parts = urlsplit(url)
    for platform in platforms.every().values():
        page = platform.page
        if page is not None and page.host == parts.netloc.lower() and page.path.search(parts.path):
            return platform.name, platforms.load(page.parser)
    return None


@dataclass
class PageCollector:
    """Fetches one readable public page, robots.txt permitting."""

    url: str
    client: PoliteClient

    def __post_init__(self) -> None:
        self.warnings: list[str] = []
        readable = _reader(self.url)
        if readable is None:
            platform = platforms.of_url(self.url)
            why = (platform and platform.not_fetched) or "plaint has no reader for this page"
            raise ConfigError(f"plaint does not fetch {self.url}: {why}. Give the post with --text (and --author, "
                              "--title, --created)")
        self.platform, self._parse = readable

    def queries(self) -> list[Query]:
        return [Query(self.platform, self.url, "add")]

    def search(self, query: Query) -> Iterator[Post]:
        response = self.client.get(self.url)
        yield from self._parse(response.text, self.url, Provenance(ADD_URL, None, self.url))


@dataclass
class HandCollector:
    """One post whose text the researcher typed or pasted: recorded as gathered by hand."""

    url: str
    text: str
    platform: str
    author: str | None = None
    title: str | None = None
    created: datetime | None = None

    def __post_init__(self) -> None:
        self.warnings: list[str] = []
        if platforms.get(self.platform) is None:
            raise ConfigError(f"platform {self.platform!r}: use one of {', '.join(platforms.names())}")

    def queries(self) -> list[Query]:
        return [Query(self.platform, self.url, "add")]

    def search(self, query: Query) -> Iterator[Post]:
        native_id = self.url.split("?", 1)[0] if self.url else "sha1:" + hashlib.sha1(self.text.encode()).hexdigest()
        yield Post(platform=self.platform, native_id=native_id, kind=Kind.POST,
                   provenance=Provenance(IMPORT, None, self.url or None), url=self.url or None,
                   title=self.title, text=self.text,
                   author=Author(self.platform, self.author) if self.author else None,
                   created_at=self.created.astimezone(UTC) if self.created else None,
                   visibility=Visibility.PUBLIC)


def page_collector(url: str, client: PoliteClient) -> PageCollector:
    """A collector for a readable page, after checking robots.txt, with a message that says why not."""
    collector = PageCollector(url, client)
    if not client.allowed(url):
        raise CollectorFailed(f"robots.txt of {urlsplit(url).netloc} does not allow fetching {urlsplit(url).path}; "
                              "give the post with --text instead")
    return collector

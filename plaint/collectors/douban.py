"""Douban: public group topics. A topic page (`/group/topic/<id>/`) holds the opening post and its
replies. Douban's `/search` and `/group/search` are disallowed by robots.txt and never requested.
"""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import BeautifulSoup, Tag

from plaint.collectors.imports.values import BEIJING
from plaint.errors import CollectorFailed
from plaint.post import Author, Kind, Post, Provenance, Visibility

TOPIC_PATH = re.compile(r"^/group/topic/(\d+)")
_PEOPLE = re.compile(r"/people/([^/]+)/")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?")


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
    if not match:
        return None
    text = match.group()
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)


def parse_topic(html: str, url: str, provenance: Provenance) -> list[Post]:
    """The opening post and every reply on a topic page."""
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
        posts.append(Post(platform="douban", native_id=f"comment:{reply_id}", kind=Kind.COMMENT, provenance=provenance,
                          url=f"https://www.douban.com/group/topic/{topic_id}/#{reply_id}", parent_id=topic_id,
                          thread_id=topic_id, community=community,
                          text=paragraph.get_text("\n", strip=True) if paragraph else "",
                          author=_author(reply.select_one("h4 a")), created_at=_time(reply.select_one("span.pubtime")),
                          visibility=Visibility.PUBLIC))
    return posts

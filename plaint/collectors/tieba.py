"""Baidu Tieba: one public thread page (`/p/<tid>`), read floor by floor.

Tieba's search needs a login and request signing, so plaint never searches it: threads come in
by import, or one at a time with `plaint add`, where robots.txt allows the page.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from plaint.collectors.imports.values import BEIJING
from plaint.errors import CollectorFailed
from plaint.platforms import comment_id
from plaint.platforms.tieba import thread_url
from plaint.post import Author, Kind, Post, Provenance, Visibility

_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}")


def parse_thread(html: str, url: str, provenance: Provenance) -> list[Post]:
    """Each floor of a thread page as a Post: the first floor the post, the others its replies."""
    from bs4 import BeautifulSoup  # imported here: only page parsing needs it

    soup = BeautifulSoup(html, "html.parser")
    floors = soup.select("div.l_post.j_l_post[data-field]")
    if not floors:
        raise CollectorFailed(f"{url}: no thread floors on the page (a changed layout, or not a thread)")
    title_node = soup.select_one(".core_title_txt")
    title = str(title_node.get("title") or title_node.get_text(strip=True)) if title_node else None
    forum_node = soup.select_one("a.card_title_fname")
    forum = forum_node.get_text(strip=True) if forum_node else None
    posts: list[Post] = []
    for floor in floors:
        try:
            field = json.loads(str(floor["data-field"]))
        except (ValueError, KeyError):
            continue
        content = field.get("content") or {}
        post_id, thread_id = content.get("post_id"), content.get("thread_id")
        body = soup.select_one(f"#post_content_{post_id}") if post_id else None
        if not post_id or body is None:
            continue  # an advert or a folded floor: no post behind it
        author = field.get("author") or {}
        handle = author.get("user_name") or author.get("user_nickname")
        stamps = [_DATE.search(t.get_text()) for t in floor.select("span.tail-info")]
        created = next((datetime.strptime(m.group(), "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
                        for m in stamps if m), None)
        first = content.get("post_no") == 1
        posts.append(Post(
            platform="tieba", native_id=str(thread_id) if first else comment_id(post_id),
            kind=Kind.POST if first else Kind.COMMENT, provenance=provenance,
            url=thread_url(str(thread_id)) + ("" if first else f"?pid={post_id}#{post_id}"),
            parent_id=None if first else str(thread_id), thread_id=str(thread_id), community=forum,
            title=title if first else None, text=body.get_text("\n", strip=True),
            author=Author("tieba", str(handle), str(author.get("user_id")) if author.get("user_id") else None,
                          f"https://tieba.baidu.com/home/main?id={author['portrait']}"
                          if author.get("portrait") else None)
            if handle else None,
            created_at=created, visibility=Visibility.PUBLIC,
            num_comments=content.get("comment_num"),
        ))
    return posts

"""Build plaint/demo/reddit_demo.json from scripts/demo_threads.yaml.

The cassette holds what Reddit's API would answer to `plaint demo`'s search: the app-only token,
the search listing in pages (`after` paging, as Reddit does), and the comment tree of each thread
with comments, in the field set of Reddit's current `t3`/`t1` objects.

    python scripts/build_demo_cassette.py          # rewrite the cassette
    python scripts/build_demo_cassette.py --check  # exit 1 if the committed one is stale
"""

from __future__ import annotations

import json
import sys
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "scripts" / "demo_threads.yaml"
CASSETTE = ROOT / "plaint" / "demo" / "reddit_demo.json"
SUBREDDITS = ("CharacterAI+CharacterAIrunaways+replika+Talkie_AI+SpicyChatAI+ChaiApp+NomiAI+KindroidAI+"
              "JanitorAI_Official+aicompanions")
RECORDED_AT = "2026-10-18T06:00:00"
HEADERS = {
    "content-type": ["application/json; charset=UTF-8"],
    "x-ratelimit-remaining": ["995.0"],
    "x-ratelimit-used": ["5"],
    "x-ratelimit-reset": ["300"],
}


def stamp(value: Any) -> float:
    if isinstance(value, datetime):
        return float(value.timestamp())
    return float(datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp())


def author_fields(name: str) -> dict[str, Any]:
    if name == "[deleted]":
        return {"author": "[deleted]"}
    return {"author": name, "author_fullname": f"t2_{zlib.crc32(name.encode()) % 10**8:08d}",
            "author_flair_text": None, "author_premium": False, "author_patreon_flair": False}


def count_comments(comments: list[dict[str, Any]]) -> int:
    return sum(1 + count_comments(c.get("replies", [])) for c in comments)


def submission(thread: dict[str, Any]) -> dict[str, Any]:
    sub = thread["subreddit"]
    words = ("".join(ch for ch in word if ch.isascii() and ch.isalnum()) for word in thread["title"].lower().split())
    slug = "_".join(w for w in words if w)[:50] or "post"
    created = stamp(thread["created"])
    return {
        "approved_at_utc": None, "subreddit": sub, "selftext": thread["text"].strip(),
        "saved": False, "mod_reason_title": None, "gilded": 0, "clicked": False,
        "title": thread["title"], "link_flair_richtext": [], "subreddit_name_prefixed": f"r/{sub}",
        "hidden": False, "pwls": 6, "link_flair_css_class": None, "downs": 0, "hide_score": False,
        "name": f"t3_{thread['id']}", "quarantine": bool(thread.get("quarantine", False)),
        "link_flair_text_color": "dark", "upvote_ratio": 0.97, "subreddit_type": thread.get("subreddit_type", "public"),
        "ups": thread["score"], "total_awards_received": 0, "is_original_content": False,
        "is_reddit_media_domain": False, "is_meta": False, "category": None, "link_flair_text": None,
        "can_mod_post": False, "score": thread["score"], "approved_by": None, "is_created_from_ads_ui": False,
        "thumbnail": "self", "edited": False, "content_categories": None, "is_self": True,
        "mod_note": None, "created": created, "link_flair_type": "text", "wls": 6,
        "removed_by_category": thread.get("removed_by_category"), "banned_by": None,
        "domain": f"self.{sub}", "allow_live_comments": False, "selftext_html": None, "likes": None,
        "suggested_sort": None, "banned_at_utc": None, "view_count": None, "archived": False,
        "no_follow": False, "is_crosspostable": True, "pinned": False, "over_18": bool(thread.get("over_18", False)),
        "all_awardings": [], "awarders": [], "media_only": False, "can_gild": False, "spoiler": False,
        "locked": bool(thread.get("locked", False)), "treatment_tags": [], "visited": False,
        "removed_by": None, "num_reports": None, "distinguished": None,
        "subreddit_id": f"t5_{zlib.crc32(sub.encode()) % 10**6:06d}", "author_is_blocked": False,
        "mod_reason_by": None, "removal_reason": None,
        "id": thread["id"], "is_robot_indexable": not thread.get("removed_by_category"),
        "report_reasons": None, "discussion_type": None, "num_comments": count_comments(thread.get("comments", [])),
        "send_replies": True, "contest_mode": False, "mod_reports": [], "user_reports": [],
        "permalink": f"/r/{sub}/comments/{thread['id']}/{slug}/", "stickied": False,
        "url": f"https://www.reddit.com/r/{sub}/comments/{thread['id']}/{slug}/",
        "subreddit_subscribers": 250000, "created_utc": created, "num_crossposts": 0, "media": None,
        "is_video": False, **author_fields(thread["author"]),
    }


def comment(thread: dict[str, Any], item: dict[str, Any], parent: str, depth: int, created: float) -> dict[str, Any]:
    sub = thread["subreddit"]
    replies = [comment(thread, r, f"t1_{item['id']}", depth + 1, created + 600) for r in item.get("replies", [])]
    return {"kind": "t1", "data": {
        "subreddit_id": f"t5_{zlib.crc32(sub.encode()) % 10**6:06d}", "approved_at_utc": None,
        "author_is_blocked": False, "comment_type": None, "edited": False, "mod_reason_by": None,
        "banned_by": None, "ups": item["score"],
        "num_reports": None, "removal_reason": None, "link_id": f"t3_{thread['id']}", "likes": None,
        "replies": {"kind": "Listing", "data": {"after": None, "dist": None, "modhash": "", "geo_filter": "",
                                                "children": replies, "before": None}} if replies else "",
        "user_reports": [], "saved": False, "id": item["id"], "banned_at_utc": None, "mod_reason_title": None,
        "gilded": 0, "archived": False, "collapsed_reason_code": None, "no_follow": False,
        "can_mod_post": False, "created_utc": created, "send_replies": True, "parent_id": parent,
        "score": item["score"], "approved_by": None, "mod_note": None, "all_awardings": [],
        "collapsed": False, "body": item["body"].strip(), "top_awarded_type": None, "name": f"t1_{item['id']}",
        "is_submitter": item["author"] == thread["author"], "downs": 0, "body_html": None,
        "distinguished": None, "stickied": False, "can_gild": False, "subreddit": sub,
        "score_hidden": False, "permalink": f"/r/{sub}/comments/{thread['id']}/_/{item['id']}/",
        "subreddit_type": "public", "locked": False, "report_reasons": None, "created": created,
        "subreddit_name_prefixed": f"r/{sub}", "controversiality": 0, "depth": depth,
        "collapsed_because_crowd_control": None, "mod_reports": [], "num_comments": None, "ups_ratio": None,
        **author_fields(item["author"]),
    }}


def listing(children: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "dist": len(children), "modhash": "", "geo_filter": "",
                                        "children": children, "before": None}}


def interaction(method: str, uri: str, body: Any, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "request": {"method": method, "uri": uri, "body": {"encoding": "utf-8", "string": ""},
                    "headers": {"User-Agent": ["<USER_AGENT>"], "Authorization": ["bearer <ACCESS_TOKEN>"]}},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": headers or HEADERS,
                     "body": {"encoding": "UTF-8", "string": json.dumps(body, ensure_ascii=False)},
                     "url": uri},
        "recorded_at": RECORDED_AT,
    }


def build() -> str:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    # sort=new: Reddit lists the newest first
    threads = sorted(spec["threads"], key=lambda t: stamp(t["created"]), reverse=True)
    size = int(spec["page_size"])
    token = {"access_token": "<ACCESS_TOKEN>", "token_type": "bearer", "expires_in": 86400, "scope": "*"}
    interactions = [interaction("POST", "https://www.reddit.com/api/v1/access_token", token,
                                {"content-type": ["application/json; charset=UTF-8"]})]
    base = {"q": spec["query"], "restrict_sr": True, "sort": "new", "syntax": "lucene", "t": "all",
            "limit": 1024, "raw_json": 1}
    after = None
    for start in range(0, len(threads), size):
        page = threads[start:start + size]
        last = start + size >= len(threads)
        next_after = None if last else f"t3_{page[-1]['id']}"
        params = dict(base, **({"after": after} if after else {}))
        uri = f"https://oauth.reddit.com/r/{SUBREDDITS}/search/?{urlencode(params)}"
        body = listing([{"kind": "t3", "data": submission(t)} for t in page], next_after)
        interactions.append(interaction("GET", uri, body))
        after = next_after
    for thread in threads:
        if not thread.get("comments"):
            continue
        created = stamp(thread["created"]) + 1800
        tree = [comment(thread, c, f"t3_{thread['id']}", 0, created + i * 60) for i, c in enumerate(thread["comments"])]
        uri = f"https://oauth.reddit.com/comments/{thread['id']}/?limit=2048&sort=confidence&raw_json=1"
        body = [listing([{"kind": "t3", "data": submission(thread)}], None), listing(tree, None)]
        interactions.append(interaction("GET", uri, body))
    cassette = {"interactions": interactions, "recorded_with": "scripts/build_demo_cassette.py",
                "recorded_at": RECORDED_AT, "version": 1}
    return json.dumps(cassette, ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    text = build()
    if "--check" in sys.argv:
        sys.exit(0 if CASSETTE.read_text(encoding="utf-8") == text else 1)
    CASSETTE.write_text(text, encoding="utf-8")
    print(f"wrote {CASSETTE.relative_to(ROOT)}")

"""The terms-of-service filter: only public, undeleted, allowed-route records from adults stay.

Which routes each platform allows is the research in DESIGN.md ("How each platform is reached").
A record from a locked thread stays in the corpus, but its author is never contacted.
"""

from __future__ import annotations

import re

from plaint.config import TosSettings
from plaint.filters import Verdict
from plaint.post import Post, Visibility

IMPORT = "import"
ARCHIVE_DUMP = "archive_dump"  # Reddit archives (Arctic Shift, Pushshift): public subreddits only
ALLOWED_ROUTES: dict[str, frozenset[str]] = {
    "reddit": frozenset({"reddit_api", ARCHIVE_DUMP, IMPORT}),
    "tiktok": frozenset({"tiktok_research_api", IMPORT}),
    "zhihu": frozenset({"zhihu_open_api", IMPORT}),
    "weibo": frozenset({"weibo_open_api", IMPORT}),
    "douban": frozenset({"douban_group_pages", "add_url", IMPORT}),
    "tieba": frozenset({"add_url", IMPORT}),
    "xiaohongshu": frozenset({IMPORT}),
    "douyin": frozenset({IMPORT}),
}
# Verdict reasons the pipeline acts on: the post is gone from public view (any stored copy is
# erased), or its author is a minor (never a candidate).
GONE_REASONS = frozenset({"deleted", "removed", "not public", "quarantined"})
MINOR_REASON = "author states age under 18"
# Routes that can only ever see public content: a record they bring whose visibility the platform
# did not state (old Reddit listings lack `subreddit_type`) is public by construction.
PUBLIC_ONLY_ROUTES = frozenset({"reddit_api", ARCHIVE_DUMP})

_AGE_EN = re.compile(
    # "I'm 16", "i am only 15" (but not "I'm 16 messages in")
    r"\b(?:i'?m|i am|im)\s+(?:only\s+|just\s+)?(1[0-7]|[5-9])\b(?!\s*(?:%|\.\d|k\b|messages|chats|hours|"
    r"days|weeks|months|minutes|times|bots|characters|years? (?:in|into|of|ago)))"
    # "as a 13 year old", "I'm a 15-year-old", "16yo here"
    r"|\b(?:as an?|i'?m an?|i am an?)\s+(1[0-7]|[5-9])[\s-]*(?:yo|y/o|yrs?[\s-]old|years?[\s-]old)\b"
    r"|\b(1[0-7])\s*(?:yo|y/o)\s+here\b"
    # "(15F)", "16m here"
    r"|\((1[0-7])\s*[fm]\)|\b(1[0-7])[fm]\s+here\b",
    re.IGNORECASE,
)
_AGE_ZH = re.compile(
    r"我(?:今年|才|只有|现在)?(?:(1[0-7]|[5-9])|(十[一二三四五六七]?|[五六七八九]))岁"
    r"|我(?:是|还是)?(?:个)?(?:未成年|初中生|初一|初二|初三|高一|高二|小学生)"
)


# Something each of the patterns above needs (an age in digits, 岁, a school year): most texts
# have none, and this one scan is several times cheaper than the two searches.
_AGE_HINT = re.compile(r"[0-9岁]|未成年|初中生|初[一二三]|高[一二]|小学生")


def states_minor_age(text: str) -> bool:
    """Whether the author says of themselves that they are under 18 ("I'm 16", "我今年15岁")."""
    return _AGE_HINT.search(text) is not None and bool(_AGE_EN.search(text) or _AGE_ZH.search(text))


class TosFilter:
    name = "tos"

    def __init__(self, settings: TosSettings) -> None:
        self.settings = settings

    def check(self, post: Post) -> Verdict:
        allowed = ALLOWED_ROUTES.get(post.platform)
        route = post.provenance.route
        if allowed is None:
            return Verdict(False, "unknown platform")
        if route not in allowed:
            return Verdict(False, "route not allowed")
        if post.deleted:
            return Verdict(False, "deleted")
        if post.removed:
            return Verdict(False, "removed")
        if post.visibility is Visibility.PRIVATE:
            return Verdict(False, "not public")
        if post.visibility is Visibility.QUARANTINED:
            return Verdict(False, "quarantined")
        if post.visibility is Visibility.UNKNOWN and route not in PUBLIC_ONLY_ROUTES:
            return Verdict(False, "visibility unknown")
        if post.nsfw and not self.settings.allow_nsfw:
            return Verdict(False, "nsfw")
        if states_minor_age(post.full_text):
            return Verdict(False, MINOR_REASON)
        if post.locked:
            return Verdict(True, "public", {"no_contact": "locked thread"})
        if post.author is None:
            return Verdict(True, "public", {"no_contact": "no author"})
        return Verdict(True, "public")

"""The terms-of-service filter: only public, undeleted, allowed-route records from adults stay.

Which routes each platform allows is the research in DESIGN.md ("How each platform is reached"),
written down in its module in plaint/platforms.
A record from a locked thread stays in the corpus, but its author is never contacted.
"""

from __future__ import annotations

import re
import unicodedata

from plaint import platforms
from plaint.config import TosSettings
from plaint.filters import Verdict
from plaint.post import Post, Visibility

# Verdict reasons the pipeline acts on: the post is gone from public view (any stored copy is
# erased), or its author is a minor (never a candidate).
GONE_REASONS = frozenset({"deleted", "removed", "not public", "quarantined"})
MINOR_REASON = "author states age under 18"
_AGE = r"(1[0-7]|[5-9])"  # an age under 18 that people state of themselves (under 5 is never one)
# Words after a number that make it something other than an age ("I'm 15 messages in").
_NOT_AN_AGE = (r"(?!\s*(?:%|\.\d|k\b|messages|chats|hours|days|weeks|months|minutes|mins|seconds|times|bots|"
               r"characters|chapters|pages|dollars|bucks|euros|pounds|stars|years? (?:in|into|of|ago)))")
_YEARS_OLD = r"(?:yo|y/o|y\.o\.?|yrs?[\s-]old|years?[\s-]old)"
_AGE_EN = re.compile(
    # "I'm 16", "i am only 15", "im 15" (but not "I'm 16 messages in")
    r"\b(?:i'?m|i am)\s+(?:only\s+|just\s+)?" + _AGE + r"\b" + _NOT_AN_AGE
    # "as a 13 year old", "I'm a 15-year-old", "15 y/o here", "15 y/o girl here"
    + r"|\b(?:as an?|i'?m an?|i am an?)\s+" + _AGE + r"[\s-]*" + _YEARS_OLD
    + r"|\b(1[0-7])\s*" + _YEARS_OLD + r"(?:\s+\w+)?\s+here\b"
    # "(15F)", "16m here", "I (15) told it", "me (15f)", "I'm 15F",
    # and "15F, ..." / "15 y/o, ..." opening a text or line
    + r"|\((1[0-7])\s*[fm]\)|\b(1[0-7])\s*[fm]\s+here\b|\b(?:i|me)\s*\((1[0-7])\s*[fm]?\)"
    + r"|\b(?:i'?m|i am)\s+(1[0-7])\s*[fm]\b"
    + r"|^[\s(\[]*(1[0-7])\s*(?:[fm]|" + _YEARS_OLD + r")\s*[,.:;)\]/-]",
    re.IGNORECASE | re.MULTILINE,
)
_ZH_AGE = r"(?:(1[0-7]|[5-9])|(十[一二三四五六七]?|[五六七八九]))"
# School years under 18 ("高三" students are often 18 already); "高一点" is "a little taller".
_ZH_SCHOOL = r"(?:初中生|初[一二三]|高[一二](?![点些截头倍分度层级米等])|小学生|小学[一二三四五六]年级)"
_AGE_ZH = re.compile(
    # "我今年15岁", "我十六岁", "我15岁", "我现在十五歲" (traditional)
    r"我(?:今年|才|只有|现在|現在)?" + _ZH_AGE + r"周?[岁歲]"
    # "今年十五", "今年才15了": this year's age, where nothing after it makes it a count or a date
    + r"|今年(?:才|只有)?" + _ZH_AGE + r"(?:周?[岁歲])?(?=$|[\s，。！？、,.!?~～了啦呀哦吧])"
    # "我是初中生", "我还是未成年", "我初三", "本人高一", "初三党", "在读初二", "作为一个初三学生"
    + r"|(?:我|本人)(?:是|还是|還是|在读|读|上|正在读)?(?:个|一个|一名)?(?:未成年|" + _ZH_SCHOOL + r")"
    + r"|" + _ZH_SCHOOL + r"(?:党|狗|学生|學生|在读)"
    + r"|(?:在读|正在读|刚上|今年上)" + _ZH_SCHOOL
    + r"|作为(?:一个|一名)?" + _ZH_SCHOOL
)

# Quick rejections, cheaper than the two searches, of what each pattern needs. Every pattern
# needs an age in digits of any width or one of the Chinese words below (most texts have neither).
# Read on the folded text: every English pattern needs a number from 5 to 17
# standing on its own (no letter or digit just before it, no digit after), which most texts that
# hold a digit lack ("2024", "v3", "100"); every Chinese pattern needs one of these words.
_AGE_NUMBER = re.compile(r"(?<!\w)(?:1[0-7]|[5-9])(?!\d)")
# And next to that number, what one of them needs: after it an f or m, a ")" or a "y" (of "yo",
# "years old"), or before it "I'm" (in 1 text in 8 that holds such a number, on the benchmark).
_AGE_CONTEXT = re.compile(r"(?<!\w)(?:1[0-7]|[5-9])[\s-]*(?:[fm](?![a-z])|[fm]?\)|y)"
                          r"|\b(?:i'?m|i am)\s+(?:only\s+|just\s+)?(?:1[0-7]|[5-9])\b", re.IGNORECASE)
_AGE_WORD_ZH = re.compile(r"[岁歲]|今年|未成年|初中生|初[一二三]|高[一二]|小学")
_DIGIT = re.compile(r"\d")
# Look-alikes folded before the age rules: NFKC turns full-width letters and digits into ASCII;
# phone keyboards type these for an apostrophe.
_APOSTROPHES = ("\u2019", "\u2018", "\u02bc", "\u2032", "\u00b4", "`")


def plain_forms(text: str) -> str:
    """The text with look-alike characters folded (full-width forms by NFKC, curly and modifier
    apostrophes to '), so that "I\u2019m 15" and "\uff29\uff4d \uff11\uff15" read as "I'm 15"."""
    if text.isascii():
        return text.replace("`", "'")
    text = unicodedata.normalize("NFKC", text)
    for apostrophe in _APOSTROPHES:  # str.translate looks up every character: ten times slower
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


def states_minor_age(text: str) -> bool:
    """Whether the author says of themselves that they are under 18 ("I'm 16", "我今年15岁")."""
    if text.isascii():  # folding changes no digit, and there is no Chinese to read
        if _AGE_NUMBER.search(text) is None:
            return False
        text = plain_forms(text)
        return bool(_AGE_CONTEXT.search(text) and _AGE_EN.search(text))
    if _DIGIT.search(text) is None and _AGE_WORD_ZH.search(text) is None:
        return False
    text = plain_forms(text)
    return bool((_AGE_NUMBER.search(text) and _AGE_CONTEXT.search(text) and _AGE_EN.search(text))
                or (_AGE_WORD_ZH.search(text) and _AGE_ZH.search(text)))


def reads_as_minor_age(text: str) -> bool:
    """`states_minor_age` without its quick rejections (for the test that holds them to it)."""
    text = plain_forms(text)
    return bool(_AGE_EN.search(text) or _AGE_ZH.search(text))


class TosFilter:
    name = "tos"

    def __init__(self, settings: TosSettings) -> None:
        self.settings = settings

    def check(self, post: Post) -> Verdict:
        platform = platforms.get(post.platform)
        route = post.provenance.route
        if platform is None:
            return Verdict(False, "unknown platform")
        if not platform.allows(route):
            return Verdict(False, "route not allowed")
        if post.deleted:
            return Verdict(False, "deleted")
        if post.removed:
            return Verdict(False, "removed")
        if post.visibility is Visibility.PRIVATE:
            return Verdict(False, "not public")
        if post.visibility is Visibility.QUARANTINED:
            return Verdict(False, "quarantined")
        if post.visibility is Visibility.UNKNOWN and route not in platform.public_routes:
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

"""Reading keywords.yaml, the one file a researcher edits, into typed settings.

Which file: `--keywords PATH`, else `$PLAINT_KEYWORDS`, else `./keywords.yaml`, else the default
shipped inside the package. Every mistake is reported with the file and the dotted field name.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from plaint.errors import ConfigError
from plaint.filters.language import known_codes

TYPE_CODES = ("misogyny", "lgbtq", "appearance", "ableism", "racism", "socioeconomic")
IDENTITY_GROUPS = ("gender", "pronouns", "sexuality", "body", "race", "disability", "religion", "class")
STRATEGY_CODES = (
    "backtrack_regenerate_rewrite",
    "low_feedback_score",
    "reason_and_preach",
    "gentle_persuasion",
    "anger_expression",
    "change_character_settings",
    "ooc_back_to_rp_hint",
)


@dataclass(frozen=True)
class RedditSettings:
    subreddits: tuple[str, ...]
    general_subreddits: tuple[str, ...] = ()
    sort: str = "new"
    time_filter: str = "all"
    syntax: str = "lucene"
    comments: bool = True
    more_comments: int = 8
    queries: tuple[str, ...] = ()


@dataclass(frozen=True)
class TikTokSettings:
    days: int = 90  # how far back a full run searches
    window_days: int = 30  # the Research API's longest window
    regions: tuple[str, ...] = ()
    comments: bool = True
    daily_requests: int = 1000
    interval: float = 1.0


@dataclass(frozen=True)
class ZhihuSettings:
    topics: tuple[str, ...] = ("AI伴侣", "AI男友", "星野", "筑梦岛", "猫箱", "Character.AI")
    queries: tuple[str, ...] = ()
    interval: float = 1.0


@dataclass(frozen=True)
class WeiboSettings:
    endpoint: str = "https://api.weibo.com/2/search/topics.json"
    topics: tuple[str, ...] = ("AI伴侣", "AI男友", "星野", "筑梦岛", "猫箱")
    queries: tuple[str, ...] = ()
    pages: int = 5
    interval: float = 1.0


@dataclass(frozen=True)
class DoubanSettings:
    groups: tuple[str, ...] = ()
    pages: int = 20  # 25 topics a page: about the 500 newest topics of each group
    interval: float = 5.0


@dataclass(frozen=True)
class TosSettings:
    allow_nsfw: bool = False
    language_undetermined: str = "drop"


@dataclass(frozen=True)
class ScreeningSettings:
    """Where the screening model's score puts a post that passed the lexicon's first pass: at or
    above `complaint`, the complaint tier; at or above `review`, the review tier; below, dropped."""

    complaint: float = 0.2429
    review: float = 0.0033


@dataclass(frozen=True)
class Config:
    source: str
    languages: tuple[str, ...]
    apps: tuple[str, ...]
    companion_terms: tuple[str, ...]
    companion_communities: dict[str, tuple[str, ...]]
    bias_terms: tuple[str, ...]
    complaint_terms: tuple[str, ...]
    exclude_terms: tuple[str, ...]
    identity: dict[str, tuple[str, ...]]  # group -> terms
    persona_terms: tuple[str, ...]
    overriding_terms: tuple[str, ...]
    objection_terms: tuple[str, ...]
    card_terms: tuple[str, ...]
    types: dict[str, tuple[str, ...]]
    strategies: dict[str, tuple[str, ...]]
    search_terms: dict[str, tuple[str, ...]]
    reddit: RedditSettings
    tiktok: TikTokSettings = field(default_factory=TikTokSettings)
    zhihu: ZhihuSettings = field(default_factory=ZhihuSettings)
    weibo: WeiboSettings = field(default_factory=WeiboSettings)
    douban: DoubanSettings = field(default_factory=DoubanSettings)
    tos: TosSettings = field(default_factory=TosSettings)
    screening: ScreeningSettings = field(default_factory=ScreeningSettings)
    # What looked wrong but did not stop plaint (a misspelt key, a language code no one uses):
    # the command prints each on stderr.
    warnings: tuple[str, ...] = ()


# The sections and settings keywords.yaml may hold; any other name is most likely misspelt.
TOP_LEVEL = ("languages", "companion", "bias", "complaint", "exclude", "identity", "persona", "overriding",
             "objection", "card", "types", "strategies", "search", "platforms", "tos", "screening")
COMPANION = ("apps", "terms", "communities")
PLATFORMS = {"reddit": RedditSettings, "tiktok": TikTokSettings, "zhihu": ZhihuSettings, "weibo": WeiboSettings,
             "douban": DoubanSettings}


def default_keywords_text() -> str:
    return resources.files("plaint").joinpath("keywords.yaml").read_text(encoding="utf-8")


def find_keywords_file(explicit: Path | None = None) -> Path | None:
    """The researcher's keywords file, or None for the packaged default."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: no such keywords file")
        return explicit
    env = os.environ.get("PLAINT_KEYWORDS")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"PLAINT_KEYWORDS names {path}, which is not a file")
        return path
    local = Path("keywords.yaml")
    return local if local.is_file() else None


def default_config() -> Config:
    return parse_config(default_keywords_text(), source="plaint/keywords.yaml (default)")


def load_config(path: Path | None = None) -> Config:
    """Load the keywords file that `find_keywords_file` picks."""
    found = find_keywords_file(path)
    if found is None:
        return default_config()
    raw = found.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{found}, line {line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8 "
                          "(your editor's \"Save with encoding\")") from None
    return parse_config(text, source=str(found))


def parse_config(text: str, source: str) -> Config:
    try:
        try:  # libyaml reads the default keywords.yaml ten times faster (50 ms of every start)
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            data = yaml.safe_load(text)  # the pure-Python reader's message names the problem as always
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{source}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        raise ConfigError(f"{source}: the file is empty; plaint needs at least its companion and types sections "
                          "(plaint init writes the default to start from)")
    reader = _Reader(source)
    root = reader.known(reader.mapping(data, ""), "", TOP_LEVEL)
    companion = reader.known(reader.mapping(root.get("companion", {}), "companion"), "companion", COMPANION)
    platforms = reader.known(reader.mapping(root.get("platforms", {}), "platforms"), "platforms", tuple(PLATFORMS))
    reddit, tiktok, zhihu, weibo, douban = (
        reader.known(reader.mapping(platforms.get(name, {}), f"platforms.{name}"), f"platforms.{name}",
                     tuple(f.name for f in fields(settings)))
        for name, settings in PLATFORMS.items())
    tos = reader.known(reader.mapping(root.get("tos", {}), "tos"), "tos", tuple(f.name for f in fields(TosSettings)))
    screening = reader.known(reader.mapping(root.get("screening", {}), "screening"), "screening",
                             tuple(f.name for f in fields(ScreeningSettings)))
    complaint_at = reader.share(screening.get("complaint", ScreeningSettings.complaint), "screening.complaint")
    review_at = reader.share(screening.get("review", ScreeningSettings.review), "screening.review")
    if review_at > complaint_at:
        raise reader.fail("screening.review", f"is {review_at}, above screening.complaint ({complaint_at}); "
                          "the review tier lies below the complaint tier")

    types = reader.code_lexicons(root.get("types", {}), "types", TYPE_CODES)
    strategies = reader.code_lexicons(root.get("strategies", {}), "strategies", STRATEGY_CODES)
    undetermined = reader.choice(tos.get("language_undetermined", "drop"), "tos.language_undetermined",
                                 ("drop", "keep"))
    communities = reader.mapping(companion.get("communities", {}), "companion.communities")
    languages = reader.strings(root.get("languages", ["en", "zh"]), "languages")
    search = reader.mapping(root.get("search", {}), "search")
    for where, code in [*((f"languages[{i}]", c) for i, c in enumerate(languages)),
                        *((f"search.{c}", str(c)) for c in search)]:
        reader.language(code, where)
    config = Config(
        source=source,
        languages=languages,
        apps=reader.strings(companion.get("apps", []), "companion.apps"),
        companion_terms=reader.by_language(companion.get("terms", {}), "companion.terms"),
        companion_communities={
            platform: reader.strings(names, f"companion.communities.{platform}")
            for platform, names in communities.items()
        },
        bias_terms=reader.by_language(root.get("bias", {}), "bias"),
        complaint_terms=reader.by_language(root.get("complaint", {}), "complaint"),
        exclude_terms=reader.by_language(root.get("exclude", {}), "exclude"),
        identity=reader.code_lexicons(root.get("identity", {}), "identity", IDENTITY_GROUPS, "a group plaint knows"),
        persona_terms=reader.by_language(root.get("persona", {}), "persona"),
        overriding_terms=reader.by_language(root.get("overriding", {}), "overriding"),
        objection_terms=reader.by_language(root.get("objection", {}), "objection"),
        card_terms=reader.by_language(root.get("card", {}), "card"),
        types=types,
        strategies=strategies,
        search_terms={lang: reader.strings(terms, f"search.{lang}") for lang, terms in search.items()},
        reddit=RedditSettings(
            subreddits=reader.strings(reddit.get("subreddits", []), "platforms.reddit.subreddits"),
            general_subreddits=reader.strings(reddit.get("general_subreddits", []),
                                              "platforms.reddit.general_subreddits"),
            sort=reader.choice(reddit.get("sort", "new"), "platforms.reddit.sort",
                               ("new", "relevance", "top", "comments", "hot")),
            time_filter=reader.choice(reddit.get("time_filter", "all"), "platforms.reddit.time_filter",
                                      ("all", "year", "month", "week", "day", "hour")),
            syntax=reader.choice(reddit.get("syntax", "lucene"), "platforms.reddit.syntax",
                                 ("lucene", "cloudsearch", "plain")),
            comments=reader.boolean(reddit.get("comments", True), "platforms.reddit.comments"),
            more_comments=reader.count(reddit.get("more_comments", 8), "platforms.reddit.more_comments"),
            queries=reader.strings(reddit.get("queries", []), "platforms.reddit.queries"),
        ),
        tiktok=TikTokSettings(
            days=reader.count(tiktok.get("days", 90), "platforms.tiktok.days"),
            window_days=min(30, reader.count(tiktok.get("window_days", 30), "platforms.tiktok.window_days") or 30),
            regions=reader.strings(tiktok.get("regions", []), "platforms.tiktok.regions"),
            comments=reader.boolean(tiktok.get("comments", True), "platforms.tiktok.comments"),
            daily_requests=reader.count(tiktok.get("daily_requests", 1000), "platforms.tiktok.daily_requests"),
            interval=reader.seconds(tiktok.get("interval", 1.0), "platforms.tiktok.interval", 0.0),
        ),
        zhihu=ZhihuSettings(
            topics=reader.strings(zhihu.get("topics", list(ZhihuSettings.topics)), "platforms.zhihu.topics"),
            queries=reader.strings(zhihu.get("queries", []), "platforms.zhihu.queries"),
            interval=reader.seconds(zhihu.get("interval", 1.0), "platforms.zhihu.interval", 0.0),
        ),
        weibo=WeiboSettings(
            endpoint=str(weibo.get("endpoint", WeiboSettings.endpoint)),
            topics=reader.strings(weibo.get("topics", list(WeiboSettings.topics)), "platforms.weibo.topics"),
            queries=reader.strings(weibo.get("queries", []), "platforms.weibo.queries"),
            pages=reader.count(weibo.get("pages", 5), "platforms.weibo.pages"),
            interval=reader.seconds(weibo.get("interval", 1.0), "platforms.weibo.interval", 0.0),
        ),
        douban=DoubanSettings(
            groups=reader.strings(douban.get("groups", []), "platforms.douban.groups"),
            pages=reader.count(douban.get("pages", 20), "platforms.douban.pages"),
            interval=reader.seconds(douban.get("interval", 5.0), "platforms.douban.interval", 5.0),
        ),
        tos=TosSettings(
            allow_nsfw=reader.boolean(tos.get("allow_nsfw", False), "tos.allow_nsfw"),
            language_undetermined=undetermined,
        ),
        screening=ScreeningSettings(complaint=complaint_at, review=review_at),
    )
    if not (config.apps or config.companion_terms):
        raise reader.fail("companion", "is missing or has neither apps nor terms: without them no post is "
                                       "about an AI companion, and every one would be dropped")
    if not any(config.types.values()):
        raise reader.fail("types", "is missing or has no terms for any of the six types: without them no "
                                   "post is tagged with a type of discrimination")
    return dataclasses.replace(config, warnings=tuple(reader.warnings))


@functools.cache
def _language_codes() -> frozenset[str]:
    return known_codes()


class _Reader:
    """Type checks that name the file and the field that is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.warnings: list[str] = []

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {where or 'top level'} {message}")

    def known(self, section: dict[str, Any], where: str, names: tuple[str, ...]) -> dict[str, Any]:
        """The section, after a warning for each name in it that plaint does not read."""
        for name in section:
            if name not in names:
                close = difflib.get_close_matches(str(name), names, n=1)
                self.warnings.append(f"{self.source}: {f'{where}.' if where else ''}{name} is not a setting plaint "
                                     f"reads, so it is ignored" + (f" (did you mean {close[0]}?)" if close else
                                                                  f"; known here: {', '.join(names)}"))
        return section

    def language(self, code: str, where: str) -> None:
        if code not in _language_codes():
            self.warnings.append(f"{self.source}: {where} is {code!r}, not a language code plaint's language filter "
                                 "gives (en, zh, ja, es, ...): posts are never found in it")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, "must be a mapping of names to values")
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, "must be a list")
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}[{i}]", "must be a non-empty text")
            out.append(item.strip())
        return tuple(out)

    def by_language(self, value: Any, where: str) -> tuple[str, ...]:
        terms: list[str] = []
        for lang, items in self.mapping(value, where).items():
            self.language(str(lang), f"{where}.{lang}")
            terms.extend(self.strings(items, f"{where}.{lang}"))
        return tuple(terms)

    def code_lexicons(self, value: Any, where: str, codes: tuple[str, ...],
                      what: str = "a code of the study") -> dict[str, tuple[str, ...]]:
        section = self.mapping(value, where)
        unknown = sorted(set(section) - set(codes))
        if unknown:
            raise self.fail(f"{where}.{unknown[0]}", f"is not {what}; use one of {', '.join(codes)}")
        return {code: self.by_language(section.get(code, {}), f"{where}.{code}") for code in codes}

    def choice(self, value: Any, where: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(where, f"is {value!r}; use one of {', '.join(allowed)}")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"is {value!r}; use true or false")
        return value

    def seconds(self, value: Any, where: str, minimum: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            raise self.fail(where, f"is {value!r}; use a number of seconds, {minimum:g} or more")
        return float(value)

    def share(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise self.fail(where, f"is {value!r}; use a number from 0 to 1")
        return float(value)

    def count(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(where, f"is {value!r}; use a whole number, 0 or more")
        return value

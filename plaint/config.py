"""Reading keywords.yaml, the one file a researcher edits, into typed settings.

Which file: `--keywords PATH`, else `$PLAINT_KEYWORDS`, else `./keywords.yaml`, else the default
shipped inside the package. Every mistake is reported with the file and the dotted field name.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from plaint import platforms
from plaint.errors import ConfigError
from plaint.fields import FieldReader
from plaint.platforms.douban import DoubanSettings
from plaint.platforms.reddit import RedditSettings
from plaint.platforms.tiktok import TikTokSettings
from plaint.platforms.weibo import WeiboSettings
from plaint.platforms.zhihu import ZhihuSettings

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
    reader = FieldReader(source)
    root = reader.known(reader.mapping(data, ""), "", TOP_LEVEL)
    companion = reader.known(reader.mapping(root.get("companion", {}), "companion"), "companion", COMPANION)
    platform_settings = _platform_settings(reader, root.get("platforms", {}))
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
        **platform_settings,
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


def _platform_settings(reader: FieldReader, value: Any) -> dict[str, Any]:
    """Each platform's `platforms.<name>` settings, read by the platform's own module."""
    readable = {p.name: p for p in platforms.with_settings()}
    section = reader.known(reader.mapping(value, "platforms"), "platforms", tuple(readable))
    settings = {}
    for name, platform in readable.items():
        where = f"platforms.{name}"
        assert platform.settings is not None and platform.read_settings is not None
        own = reader.known(reader.mapping(section.get(name, {}), where), where,
                           tuple(f.name for f in fields(platform.settings)))
        settings[name] = platform.read_settings(reader, own, where)
    return settings

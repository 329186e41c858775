"""keywords.yaml: reading it, clear errors, and the searches built from it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from plaint.config import STRATEGY_CODES, TYPE_CODES, default_keywords_text, load_config, parse_config
from plaint.errors import ConfigError
from plaint.queries import REDDIT_MAX_QUERY, or_groups, reddit_queries

ROOT = Path(__file__).resolve().parents[1]


def test_default_keywords_cover_every_code_in_both_languages(config) -> None:
    assert set(config.types) == set(TYPE_CODES) and set(config.strategies) == set(STRATEGY_CODES)
    for code, terms in {**config.types, **config.strategies}.items():
        assert any(t.isascii() for t in terms), f"{code} has no English term"
        assert any(not t.isascii() for t in terms), f"{code} has no Chinese term"
    assert {"星野", "筑梦岛", "猫箱", "Replika", "Character.AI", "c.ai", "Talkie"} <= set(config.apps)
    assert config.languages == ("en", "zh") and "CharacterAI" in config.companion_communities["reddit"]


@pytest.mark.parametrize("text, message", [
    ("types:\n  sexism: [x]\n", "types.sexism is not a code of the study"),
    ("languages: en\n", "languages must be a list"),
    ("companion:\n  apps: [Replika, '']\n", "companion.apps[1] must be a non-empty text"),
    ("tos:\n  allow_nsfw: maybe\n", "tos.allow_nsfw is 'maybe'; use true or false"),
    ("platforms:\n  reddit:\n    more_comments: -1\n", "platforms.reddit.more_comments is -1"),
    ("- just\n- a list\n", "top level must be a mapping"),
])
def test_mistakes_name_the_file_and_the_field(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, source="study/keywords.yaml")
    assert str(error.value).startswith("study/keywords.yaml: ") and message in str(error.value)


MINIMAL = "companion:\n  apps: [Replika]\ntypes:\n  misogyny:\n    en: [sexist]\n"


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty; plaint needs at least its companion and types sections"),
    ("# only comments\n", "the file is empty"),
    ("types:\n  misogyny:\n    en: [sexist]\n", "companion is missing or has neither apps nor terms"),
    ("companion:\n  apps: []\n  terms: {}\n" + MINIMAL[MINIMAL.index("types"):], "companion is missing"),
    ("companion:\n  apps: [Replika]\n", "types is missing or has no terms"),
    ("companion:\n  apps: [Replika]\ntypes:\n  misogyny: {}\n", "types is missing or has no terms"),
])
def test_a_configuration_without_what_the_filters_need_is_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, source="study/keywords.yaml")
    assert str(error.value).startswith("study/keywords.yaml: ") and message in str(error.value)


def test_unknown_keys_and_language_codes_are_warned_about_not_refused() -> None:
    text = MINIMAL + ("platfroms:\n  reddit: {}\nplatforms:\n  redit: {}\n  reddit:\n    subredits: [x]\n"
                      "languages: [en, zh, xx]\nbias:\n  english: [biased]\n")
    config = parse_config(text, source="k.yaml")
    warnings = "\n".join(config.warnings)
    assert "k.yaml: platfroms is not a setting plaint reads, so it is ignored (did you mean platforms?)" in warnings
    assert "platforms.redit is not a setting" in warnings and "(did you mean reddit?)" in warnings
    assert "platforms.reddit.subredits is not a setting" in warnings and "did you mean subreddits?" in warnings
    assert "languages[2] is 'xx', not a language code" in warnings and "bias.english is 'english'" in warnings
    assert len(config.warnings) == 5 and config.apps == ("Replika",)
    assert parse_config(default_keywords_text(), "default").warnings == ()


def test_a_keywords_file_that_is_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_bytes(MINIMAL.encode() + "  racism:\n    zh: [种族歧视]\n".encode("gb18030"))
    with pytest.raises(ConfigError, match=rf"{path}, line 7: not UTF-8 \(byte 0xd6\); save the file as UTF-8"):
        load_config(path)


def test_which_keywords_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_config().source.endswith("(default)")
    (tmp_path / "keywords.yaml").write_text("languages: [zh]\n" + MINIMAL, encoding="utf-8")
    assert load_config().languages == ("zh",)
    other = tmp_path / "other.yaml"
    other.write_text("\ufefflanguages: [en]\n" + MINIMAL, encoding="utf-8")  # a BOM from a Windows editor
    monkeypatch.setenv("PLAINT_KEYWORDS", str(other))
    assert load_config().languages == ("en",)
    assert load_config(tmp_path / "keywords.yaml").languages == ("zh",)
    with pytest.raises(ConfigError, match="no such keywords file"):
        load_config(tmp_path / "missing.yaml")


def test_reddit_queries_fit_the_length_limit_and_cover_every_search_term(config) -> None:
    many = dataclasses.replace(config, search_terms={"en": tuple(f"term{i} phrase" for i in range(120))})
    queries = reddit_queries(many)
    assert len(queries) > 1 and all(len(q.text) <= REDDIT_MAX_QUERY for q in queries)
    assert " OR ".join(q.text for q in queries).count('"term') == 120
    assert all(q.scope == "+".join(config.reddit.subreddits) for q in queries)


def test_general_subreddits_get_the_app_names(config) -> None:
    general = dataclasses.replace(config, reddit=dataclasses.replace(
        config.reddit, subreddits=(), general_subreddits=("ChatGPT", "TwoXChromosomes")))
    queries = reddit_queries(general)
    assert queries and all(q.scope == "ChatGPT+TwoXChromosomes" for q in queries)
    assert all("Replika" in q.text and " AND (" in q.text and len(q.text) <= REDDIT_MAX_QUERY for q in queries)
    assert all("星野" not in q.text for q in queries)  # Reddit search is English


def test_or_groups_quote_phrases() -> None:
    assert or_groups(["sexist", "fat shaming"], 100) == ['sexist OR "fat shaming"']
    assert or_groups(["a", "b", "c"], 6) == ["a OR b", "c"]


def test_the_demo_cassette_is_built_from_its_spec() -> None:
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_demo_cassette.py"), "--check"])
    assert check.returncode == 0, "run: python scripts/build_demo_cassette.py"

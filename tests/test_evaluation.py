"""The relevance filter and coding suggestions against the labelled sets in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaint.config import default_config
from plaint.errors import PlaintError
from plaint.evaluate import evaluate, read_labelled
from plaint.filters.lexicon import Lexicon
from plaint.filters.relevance import Tagger

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(default_config())


@pytest.mark.parametrize("name", ["eval_tags.jsonl", "eval_tags_holdout.jsonl", "eval_tags_holdout2.jsonl"])
def test_targets_are_met(tagger: Tagger, name: str) -> None:
    result = evaluate(tagger, read_labelled(DATA / name))
    assert result.relevance.precision >= 0.90 and result.relevance.recall >= 0.90
    assert result.types_macro_f1 >= 0.85
    assert result.strategies_macro_f1 >= 0.75


def test_the_main_set_is_large_and_balanced() -> None:
    rows = read_labelled(DATA / "eval_tags.jsonl")
    assert len(rows) >= 150
    chinese = sum(1 for r in rows if any("\u4e00" <= ch <= "\u9fff" for ch in r["text"]))
    assert 0.4 <= chinese / len(rows) <= 0.6
    assert {r["platform"] for r in rows} >= {"reddit", "xiaohongshu", "weibo", "douban", "zhihu"}
    assert any(r["relevant"] for r in rows) and any(not r["relevant"] for r in rows)


def test_a_malformed_labelled_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "set.jsonl"
    bad.write_text('{"text": "ok", "relevant": true}\n{"text": "no label"}\n', encoding="utf-8")
    with pytest.raises(PlaintError, match=r"set.jsonl, line 2"):
        read_labelled(bad)


def test_gaps_and_wildcards_inside_phrases() -> None:
    lexicon = Lexicon({"edit": ["edit* .. message"], "zh": ["改 .. 设定"]})
    assert lexicon.matches("I edited the bot's message") == {"edit": ["edit* .. message"]}
    assert lexicon.matches("editing message") == {"edit": ["edit* .. message"]}
    assert lexicon.matches("I edited one two three four message") == {}  # at most three words between
    assert lexicon.matches("我改了一下角色设定") == {"zh": ["改 .. 设定"]}


def test_traditional_chinese_matches_simplified_terms(tagger: Tagger) -> None:
    tags = tagger.tag("星野的角色說同性戀是病，還說女人就該在家帶孩子，我重新生成了好幾次")
    assert tags.relevant and tags.types == ["misogyny", "lgbtq"]
    assert tags.strategies == ["backtrack_regenerate_rewrite"]


def test_excluded_compounds_do_not_count(tagger: Tagger) -> None:
    assert "socioeconomic" not in tagger.tag("AI男友的台词层出不穷，真的无穷无尽").terms
    assert "appearance" not in tagger.tag("AI角色穿着胖次出场").terms
    assert "ooc_back_to_rp_hint" in tagger.tag("the bot broke character so I wrote OOC").terms
    assert "socioeconomic" not in tagger.tag("my bot has such poor memory").terms


def test_a_subject_alone_is_not_a_complaint(tagger: Tagger) -> None:
    assert not tagger.tag("My Replika helped me through my depression this winter.").relevant
    assert tagger.tag("My Replika said my depression is just laziness.").relevant
    assert tagger.tag("My Replika is ableist.").relevant  # a "!" term needs nothing else
    assert tagger.tag("I told my Replika about my wheelchair and had to regenerate its reply.").relevant


def test_screening_agrees_with_tagging_on_every_labelled_text(tagger: Tagger) -> None:
    """The relevance filter screens (codes only for relevant texts); its verdict and reason must
    be tagging's, on the labelled sets and on the edge cases of exclusions and communities."""
    rows = [row for name in ("eval_tags.jsonl", "eval_tags_holdout.jsonl", "eval_tags_holdout2.jsonl")
            for row in read_labelled(DATA / name)]
    rows += [{"text": text, "platform": platform, "community": community} for text, platform, community in [
        ("It keeps misgendering me even after I told it my pronouns.", "reddit", "characterai"),
        ("It keeps misgendering me even after I told it my pronouns.", None, None),
        ("My boss made a sexist joke in the meeting today.", None, None),
        ("AI男友的台词层出不穷，真的无穷无尽", None, None),
        ("My Replika helped me through my depression this winter.", None, None),
        ("", None, None),
    ]]
    outcomes = set()
    for row in rows:
        args = (row["text"], row.get("title"), row.get("platform"), row.get("community"))
        tags, screened = tagger.tag(*args), tagger.screen(*args)
        assert (screened.relevant, screened.reason) == (tags.relevant, tags.reason), row["text"]
        if tags.relevant:
            assert screened == tags
        outcomes.add(tags.reason)
    assert outcomes == {"relevant", "no bias complaint", "not about an AI companion"}

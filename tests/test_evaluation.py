"""Evaluation (per tier, work saved) and the lexicons' matching, on the labelled sets in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaint.config import default_config
from plaint.errors import PlaintError
from plaint.evaluate import evaluate, read_labelled, work_saved
from plaint.filters.relevance import Screen
from plaint.filters.tagging import Tagger
from plaint.lexicon import Lexicon

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(default_config())


def test_evaluation_counts_each_tier_and_scores_codes_on_relevant_texts(config) -> None:
    rows = [
        {"id": "a", "text": "My Replika called me fat and I gave it one star.", "relevant": True,
         "types": ["appearance"], "strategies": ["low_feedback_score"]},
        {"id": "b", "text": "My Replika wrote me a poem.", "relevant": False},
        {"id": "c", "text": "My Replika is down again.", "relevant": True, "types": ["racism"]},
    ]
    result = evaluate(Screen(config), rows)
    assert result.texts == 3 and sum(result.tiers.values()) == 3
    assert result.kept.tp == 1 and result.kept.fn == 1 and result.kept.fp == 0
    assert result.types["appearance"].tp == 1 and result.types["racism"].fn == 1
    assert {e["id"] for e in result.errors} == {"c"}


def test_work_saved_reads_in_score_order() -> None:
    labels = [True, False, False, True, False, False, False, False, False, False]
    scores = [0.9, 0.8, 0.1, 0.7, 0.05, 0.04, 0.03, 0.02, 0.01, None]
    # Both complaints are among the first four read: 6 of 10 are left, minus the 5% random saves.
    assert work_saved(labels, scores) == pytest.approx(0.6 - 0.05)
    assert work_saved([True, True], [0.5, None]) is None  # a complaint the first pass stopped
    assert work_saved([False, False], [0.1, 0.2]) is None  # nothing to find


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
    assert tags.candidate and tags.bias and tags.types == ["misogyny", "lgbtq"]
    assert tags.strategies == ["backtrack_regenerate_rewrite"]


def test_excluded_compounds_do_not_count(tagger: Tagger) -> None:
    assert "socioeconomic" not in tagger.tag("AI男友的台词层出不穷，真的无穷无尽").terms
    assert "appearance" not in tagger.tag("AI角色穿着胖次出场").terms
    assert "ooc_back_to_rp_hint" in tagger.tag("the bot broke character so I wrote OOC").terms
    assert "socioeconomic" not in tagger.tag("my bot has such poor memory").terms


def test_a_subject_alone_is_not_the_lexicons_complaint_of_bias(tagger: Tagger) -> None:
    """The lexicons' own test, one of the model's cues: a subject needs an objection."""
    assert not tagger.tag("My Replika helped me through my depression this winter.").bias
    assert tagger.tag("My Replika said my depression is just laziness.").bias
    assert tagger.tag("My Replika is ableist.").bias  # a "!" term needs nothing else
    assert tagger.tag("I told my Replika about my wheelchair and had to regenerate its reply.").bias

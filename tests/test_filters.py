"""The three filters on texts written for these tests, English and Chinese."""

from __future__ import annotations

import dataclasses

import pytest

from plaint.config import TosSettings
from plaint.filters.language import UNDETERMINED, LanguageDetector, LanguageFilter
from plaint.filters.lexicon import Lexicon, term_pattern
from plaint.filters.relevance import RelevanceFilter, Tagger
from plaint.filters.tos import GONE_REASONS, MINOR_REASON, TosFilter, states_minor_age
from plaint.post import Author, Kind, Post, Provenance, Visibility


def make_post(text: str = "", title: str | None = None, **fields) -> Post:
    route = fields.pop("route", "reddit_api")
    defaults = dict(platform="reddit", native_id="t3_x", kind=Kind.POST, provenance=Provenance(route),
                    text=text, title=title, visibility=Visibility.PUBLIC,
                    author=Author("reddit", "someone"), community="CharacterAI")
    defaults.update(fields)
    return Post(**defaults)


# Lexicon matching ----------------------------------------------------------------------------

@pytest.mark.parametrize("term, text, hit", [
    ("fat", "The bot called me fat.", True),
    ("fat", "I could not fathom it", False),
    ("fat", "my father was there", False),
    ("ass", "a class act", False),
    ("sexis*", "that is sexism, plain and simple", True),
    ("sexis*", "so SEXIST", True),
    ("bias", "the model is biased", False),          # whole words unless the term says *
    ("called me fat", "it   called\nme fat again", True),
    ("you're a woman", "it said you’re a woman so hush", True),  # curly apostrophe
    ("OOC", "（ＯＯＣ：请停下）", True),                 # full-width letters
    ("OOC", "I wrote (ooc: stop that)", True),
    ("OOC", "a snoocat", False),
    ("c.ai", "c.ai keeps doing this", True),
    ("c.ai", "the abc.aix file", False),
    ("身材羞辱", "这就是身材羞辱吧", True),
    ("胖", "它说我胖", True),
    ("Character.AI", "Character.AI说我太胖了", True),   # English term next to Han characters
])
def test_term_matching(term: str, text: str, hit: bool) -> None:
    assert bool(Lexicon({"x": [term]}).matches(text)) is hit, term_pattern(term)


def test_lexicon_reports_each_fired_term_once_in_order() -> None:
    lexicon = Lexicon({"appearance": ["fat", "ugly", "胖"], "ableism": ["wheelchair*"]})
    found = lexicon.matches("ugly, fat, fat again; 胖. Wheelchairs too")
    assert found == {"appearance": ["ugly", "fat", "胖"], "ableism": ["wheelchair*"]}


@pytest.mark.parametrize("text", ["", "   ", "😡😡😡🤖", "!!!???", "12345"])
def test_lexicon_on_texts_without_words(text: str) -> None:
    assert Lexicon({"x": ["fat", "胖", "OOC"]}).matches(text) == {}


# Relevance and tags ----------------------------------------------------------------------------

@pytest.fixture
def tagger(config) -> Tagger:
    return Tagger(config)


def test_companion_complaint_in_english_is_relevant_with_types_and_strategies(tagger: Tagger) -> None:
    tags = tagger.tag("My Replika called me fat and said disabled people are a burden. "
                      "I regenerated the reply three times and then gave it one star.")
    assert tags.relevant
    assert tags.types == ["appearance", "ableism"]
    assert tags.strategies == ["backtrack_regenerate_rewrite", "low_feedback_score"]
    assert "Replika" in tags.terms["companion"]


def test_companion_complaint_in_chinese_is_relevant(tagger: Tagger) -> None:
    tags = tagger.tag("在星野里聊天，AI男友说女人就该在家带孩子，太厌女了。我重新生成了好几次，还跟它讲道理。")
    assert tags.relevant
    assert tags.types == ["misogyny"]
    assert tags.strategies == ["backtrack_regenerate_rewrite", "reason_and_preach"]


def test_companion_community_counts_as_companion_context(tagger: Tagger) -> None:
    text = "It keeps misgendering me even after I told it my pronouns."
    assert not tagger.tag(text).relevant
    tags = tagger.tag(text, platform="reddit", community="characterai")
    assert tags.relevant and tags.terms["community"] == ["reddit:characterai"]
    assert not tagger.tag(text, platform="douban", community="CharacterAI").relevant


def test_bias_talk_without_an_ai_companion_is_not_relevant(tagger: Tagger) -> None:
    tags = tagger.tag("My boss made a sexist joke in the meeting today and HR did nothing.")
    assert not tags.relevant and tags.bias and not tags.companion
    assert tags.reason == "not about an AI companion"


def test_companion_talk_without_bias_is_not_relevant(tagger: Tagger) -> None:
    tags = tagger.tag("My Replika remembered my birthday and wrote me a poem. 我的AI男友今天也很温柔。")
    assert not tags.relevant and tags.companion
    assert tags.reason == "no bias complaint"


def test_mixed_script_post(tagger: Tagger) -> None:
    tags = tagger.tag("c.ai 的角色一直说 fat 之类的话，这是身材羞辱 (OOC 提醒也没用)")
    assert tags.relevant
    assert tags.types == ["appearance"]
    assert "ooc_back_to_rp_hint" in tags.strategies


@pytest.mark.parametrize("text", ["", "🤖💔😡", "   \n  "])
def test_empty_and_emoji_only_texts_are_not_relevant(tagger: Tagger, text: str) -> None:
    tags = tagger.tag(text)
    assert not tags.relevant and tags.types == [] and tags.strategies == []


def test_relevance_filter_verdict_carries_tags(tagger: Tagger) -> None:
    verdict = RelevanceFilter(tagger).check(make_post("The bot was so racist to me, I yelled at it."))
    assert verdict.keep and verdict.reason == "relevant"
    assert verdict.notes["types"] == ["racism"] and verdict.notes["strategies"] == ["anger_expression"]


# Language ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("The character keeps making sexist comments whenever I talk about my job.", "en"),
    ("这个角色太过分了", "zh"),                               # short Chinese langdetect gets wrong
    ("我真的很生气", "zh"),
    ("這個角色一直說我胖，真的很不舒服", "zh"),                  # traditional characters
    ("Character.AI 的角色说我太胖了，真的很生气", "zh"),          # Chinese with an English app name
    ("I love this app so much, it's great 太好了", "en"),      # English with a little Chinese
    ("El bot es muy sexista conmigo y no cambia nunca su actitud.", "es"),
    ("このキャラクターは本当にひどいです", "ja"),
    ("이 캐릭터는 정말 너무해요", "ko"),
    ("", UNDETERMINED),
    ("😡😡🤖💔", UNDETERMINED),
    ("12345 !!! ???", UNDETERMINED),
    ("https://example.com/x r/CharacterAI @someone", UNDETERMINED),
])
def test_language_detection(text: str, language: str) -> None:
    assert LanguageDetector().detect(text) == language


def test_language_detection_is_deterministic() -> None:
    text = "ok so the bot is kinda mid tbh"
    answers = {LanguageDetector().detect(text) for _ in range(5)}
    assert len(answers) == 1


def test_script_and_function_words_decide_before_langdetect_is_called() -> None:
    detector = LanguageDetector()
    assert detector.detect("角色一直嘲笑我的身材") == "zh"
    assert detector.detect("😡") == UNDETERMINED
    assert detector.detect("The bot is rude to me and it was like that every single day.") == "en"
    assert detector.langdetect_calls == 0
    assert detector.detect("El bot es muy grosero conmigo todos los días y no cambia.") == "es"
    assert detector.langdetect_calls == 1


def test_language_filter_keeps_configured_languages_and_says_why() -> None:
    language = LanguageFilter(("en", "zh"))
    assert language.check(make_post("这个角色太过分了")).keep
    dropped = language.check(make_post("El bot es muy sexista conmigo y no cambia nunca."))
    assert not dropped.keep and dropped.reason == "other language" and dropped.notes["language"] == "es"
    assert not language.check(make_post("🤖")).keep
    assert LanguageFilter(("en",), keep_undetermined=True).check(make_post("🤖")).keep


# Terms of service ----------------------------------------------------------------------------

@pytest.fixture
def tos() -> TosFilter:
    return TosFilter(TosSettings())


@pytest.mark.parametrize("fields, reason", [
    (dict(route="weibo_web_search"), "route not allowed"),
    (dict(platform="xiaohongshu", route="xhs_web_api"), "route not allowed"),
    (dict(platform="myspace"), "unknown platform"),
    (dict(deleted=True), "deleted"),
    (dict(removed=True), "removed"),
    (dict(visibility=Visibility.PRIVATE), "not public"),
    (dict(visibility=Visibility.QUARANTINED), "quarantined"),
    (dict(visibility=Visibility.UNKNOWN, route="import"), "visibility unknown"),
    (dict(nsfw=True), "nsfw"),
    (dict(text="I'm 15 and the bot called me ugly"), MINOR_REASON),
])
def test_tos_drops_with_reason(tos: TosFilter, fields: dict, reason: str) -> None:
    verdict = tos.check(make_post(**{"text": "a complaint", **fields}))
    assert not verdict.keep and verdict.reason == reason


def test_gone_reasons_are_the_ones_that_erase_stored_copies() -> None:
    assert GONE_REASONS == {"deleted", "removed", "not public", "quarantined"}


def test_tos_keeps_public_posts_and_marks_locked_threads(tos: TosFilter) -> None:
    assert tos.check(make_post("a complaint")) .notes == {}
    locked = tos.check(make_post("a complaint", locked=True))
    assert locked.keep and locked.notes == {"no_contact": "locked thread"}
    authorless = tos.check(make_post("a complaint", author=None))
    assert authorless.keep and authorless.notes == {"no_contact": "no author"}


def test_unknown_visibility_from_a_public_only_route_is_public(tos: TosFilter) -> None:
    assert tos.check(make_post("old listing", visibility=Visibility.UNKNOWN)).keep


def test_nsfw_allowed_by_config() -> None:
    tos = TosFilter(dataclasses.replace(TosSettings(), allow_nsfw=True))
    assert tos.check(make_post("spicy", nsfw=True)).keep


@pytest.mark.parametrize("text", [
    "I'm 16 and my bot called me fat", "i am 14, is this normal?", "(15F) the AI was sexist",
    "as a 13 year old I found this upsetting", "我今年15岁，AI说我胖", "我是初中生", "我还是未成年",
    "我十六岁",
])
def test_stated_minor_age(text: str) -> None:
    assert states_minor_age(text)


@pytest.mark.parametrize("text", [
    "I'm 25 and my bot called me fat", "I'm 16 messages in and it's already rude",
    "my 15 year old sister uses it", "I was 17 when I started using Replika, now I'm 30",
    "我今年25岁", "I'm 100% done with this app", "the bot is 16 years old in the lore? no, I'm 19",
])
def test_not_a_stated_minor_age(text: str) -> None:
    assert not states_minor_age(text)


@pytest.mark.parametrize("text", [
    "I\u2019m 15 and my Replika keeps flirting",        # the apostrophe phone keyboards type
    "I\u2018m 14, is this normal?", "I\u02bcm 16 and it called me ugly",
    "\uff29\uff4d \uff11\uff15 and the bot is rude",    # full-width letters and digits
    "im 15 lol my bot said girls cant code", "15F, my Character.AI bot called me fat",
    "I'm 15F and the bot was sexist", "15 y/o here, the bot mocked my accent", "I'm a 15 y/o and it said",
    "15 y/o, and my c.ai bot keeps saying this", "I (15) told my bot to stop", "me (16f) vs a sexist bot",
    "我15岁，AI男友说女生就该听话", "我今年十五，AI男友说我胖", "今年十五，星野的角色说我胖",
    "我初三，AI男友说女生读书没用", "初三党，筑梦岛的角色嘲笑我", "在读初二，猫箱的角色说我丑", "我现在十五歲",
])
def test_stated_minor_age_in_the_forms_people_type(text: str) -> None:
    assert states_minor_age(text)


@pytest.mark.parametrize("text", [
    "I'm 15 messages in and it's already rude", "I\u2019m 15 minutes into the chat", "it took 15 minutes",
    "I paid for it (15 dollars) and it was still sexist", "I waited (15) minutes", "It was 15F outside",
    "15m views on a sexist bot clip", "大年初三，AI男友说女生就该在家", "今年十五号更新以后角色变得很厌女",
    "他比我高一点，AI说我矮", "今年15个角色都说我胖", "my 15 year old sister uses it",
])
def test_numbers_that_are_not_an_age(text: str) -> None:
    assert not states_minor_age(text)

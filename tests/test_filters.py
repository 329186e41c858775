"""The three filters on texts written for these tests, English and Chinese."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from plaint.config import ScreeningSettings, TosSettings, default_config
from plaint.evaluate import read_labelled
from plaint.filters.language import UNDETERMINED, LanguageDetector, LanguageFilter
from plaint.filters.relevance import COMPLAINT, DROPPED, REVIEW, TIERS, RelevanceFilter, Screen
from plaint.filters.tagging import NO_TERM, NOT_COMPANION, Tagger
from plaint.filters.tos import GONE_REASONS, MINOR_REASON, TosFilter, states_minor_age
from plaint.lexicon import Lexicon, term_pattern
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.text import normalize_text

DATA = Path(__file__).parent / "data"


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


# Relevance: the lexicons' first pass, the screening model's tiers ------------------------------

@pytest.fixture
def tagger(config) -> Tagger:
    return Tagger(config)


@pytest.fixture(scope="module")
def screen() -> Screen:
    return Screen(default_config())


def test_companion_complaint_in_english_passes_with_types_and_strategies(tagger: Tagger) -> None:
    tags = tagger.tag("My Replika called me fat and said disabled people are a burden. "
                      "I regenerated the reply three times and then gave it one star.")
    assert tags.candidate and tags.bias
    assert tags.types == ["appearance", "ableism"]
    assert tags.strategies == ["backtrack_regenerate_rewrite", "low_feedback_score"]
    assert "Replika" in tags.terms["companion"]


def test_companion_complaint_in_chinese_passes(tagger: Tagger) -> None:
    tags = tagger.tag("在星野里聊天，AI男友说女人就该在家带孩子，太厌女了。我重新生成了好几次，还跟它讲道理。")
    assert tags.candidate and tags.bias
    assert tags.types == ["misogyny"]
    assert tags.strategies == ["backtrack_regenerate_rewrite", "reason_and_preach"]


def test_companion_community_counts_as_companion_context(tagger: Tagger) -> None:
    text = "It keeps misgendering me even after I told it my pronouns."
    assert not tagger.tag(text).candidate
    tags = tagger.tag(text, platform="reddit", community="characterai")
    assert tags.candidate and tags.terms["community"] == ["reddit:characterai"]
    assert not tagger.tag(text, platform="douban", community="CharacterAI").candidate


def test_the_first_pass_takes_identity_terms_without_any_bias_word(tagger: Tagger) -> None:
    """Real complaints rarely name the bias: "it keeps calling my persona she" is one."""
    tags = tagger.tag("The bot keeps calling my persona she even though he is a guy.", platform="reddit",
                      community="CharacterAI")
    assert tags.candidate and not tags.bias
    assert {"identity:gender", "overriding"} <= set(tags.terms)


def test_bias_talk_without_an_ai_companion_does_not_pass(tagger: Tagger) -> None:
    tags = tagger.tag("My boss made a sexist joke in the meeting today and HR did nothing.")
    assert not tags.candidate and tags.bias and not tags.companion
    assert tags.reason == NOT_COMPANION


def test_companion_talk_without_bias_or_identity_does_not_pass(tagger: Tagger) -> None:
    tags = tagger.tag("My Replika remembered my birthday and wrote me a poem. 我的AI男友今天也很温柔。")
    assert not tags.candidate and tags.companion
    assert tags.reason == NO_TERM


def test_mixed_script_post(tagger: Tagger) -> None:
    tags = tagger.tag("c.ai 的角色一直说 fat 之类的话，这是身材羞辱 (OOC 提醒也没用)")
    assert tags.candidate and tags.bias
    assert tags.types == ["appearance"]
    assert "ooc_back_to_rp_hint" in tags.strategies


@pytest.mark.parametrize("text", ["", "🤖💔😡", "   \n  "])
def test_empty_and_emoji_only_texts_do_not_pass(tagger: Tagger, text: str) -> None:
    tags = tagger.tag(text)
    assert not tags.candidate and tags.types == [] and tags.strategies == []


def test_screening_agrees_with_tagging(tagger: Tagger) -> None:
    """The relevance filter screens (codes only for texts that pass); its verdict and reason
    must be tagging's, on the labelled sets and on edge cases of exclusions and communities."""
    rows = [row for name in ("eval_tags.jsonl", "eval_tags_holdout.jsonl", "eval_tags_holdout2.jsonl")
            for row in read_labelled(DATA / name)]
    rows += [{"text": text, "platform": platform, "community": community} for text, platform, community in [
        ("It keeps misgendering me even after I told it my pronouns.", "reddit", "characterai"),
        ("It keeps misgendering me even after I told it my pronouns.", None, None),
        ("My boss made a sexist joke in the meeting today.", None, None),
        ("AI男友的台词层出不穷，真的无穷无尽", None, None),
        ("My Replika wrote me a poem this winter.", None, None),
        ("", None, None),
    ]]
    outcomes = set()
    for row in rows:
        body = normalize_text("\n".join(p for p in (row.get("title"), row["text"]) if p))
        tags = tagger.tag_normalized(body, row.get("platform"), row.get("community"))
        screened = tagger.screen(body, row.get("platform"), row.get("community"))
        assert (screened.candidate, screened.reason) == (tags.candidate, tags.reason), row["text"]
        if tags.candidate:
            assert screened == tags
        outcomes.add(tags.reason)
    assert outcomes == {"candidate", NO_TERM, NOT_COMPANION}


def test_a_clear_complaint_is_in_the_complaint_tier_and_chatter_is_dropped(screen: Screen) -> None:
    complaint = screen.judge("My bot keeps calling my male persona a girl even though his pronouns are he/him "
                             "in the persona. I edited the replies and it still does it.", None, "reddit",
                             "CharacterAI")
    assert complaint.tier == COMPLAINT and complaint.score is not None and complaint.score >= 0.5
    chatter = screen.judge("My character is a tall guy with short hair, here is his new outfit!", None, "reddit",
                           "CharacterAI")
    assert chatter.score is not None and chatter.score < complaint.score and chatter.tier != COMPLAINT
    stopped = screen.judge("The app is down again, anyone else?", None, "reddit", "CharacterAI")
    assert stopped.tier == DROPPED and stopped.score is None and stopped.reason == NO_TERM


def test_the_tiers_follow_the_thresholds_in_keywords_yaml(config) -> None:
    text = "My rep keeps making my avatar look thinner than I set it. Minor thing but weird."
    score = Screen(config).judge(text, None, "reddit", "replika").score
    assert score is not None

    def tier(complaint: float, review: float) -> str:
        settings = dataclasses.replace(config, screening=ScreeningSettings(complaint=complaint, review=review))
        return Screen(settings).judge(text, None, "reddit", "replika").tier

    assert tier(score, 0.0) == COMPLAINT
    assert tier(min(1.0, score + 0.01), score) == REVIEW
    assert tier(1.0, min(1.0, score + 0.01)) == DROPPED


def test_relevance_filter_verdict_carries_tier_score_and_tags(screen: Screen) -> None:
    verdict = RelevanceFilter(screen).check(make_post("The bot was so racist to me, I yelled at it."))
    assert verdict.keep and verdict.reason == verdict.notes["tier"] and verdict.notes["tier"] in TIERS
    assert 0.0 < verdict.notes["score"] < 1.0
    assert verdict.notes["types"] == ["racism"] and verdict.notes["strategies"] == ["anger_expression"]
    dropped = RelevanceFilter(screen).check(make_post("Server is down lol"))
    assert not dropped.keep and dropped.reason == NO_TERM


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


@pytest.mark.parametrize("title", [
    "Misgendered again",                        # a title-only post, two words
    "Bot keeps calling me fat",
    "Why does DeepSqueak suddenly feel like kindergarten???",
    "Anyone else?\n[removed]",                   # the body Reddit removed says nothing
    "Just friends",
    "Goodbye C.AI",
])
def test_a_short_english_title_is_english(title: str) -> None:
    assert LanguageDetector().detect(title) == "en"


@pytest.mark.parametrize("text, language", [
    ("Hola, alguien sabe cómo arreglar esto?", "es"),
    ("Esto ya es el colmo", "es"),               # a function word of another language: langdetect decides
    ("Bonjour, mon Replika ne me reconnaît plus", "fr"),
])
def test_a_short_text_in_another_latin_language_is_left_to_langdetect(text: str, language: str) -> None:
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
    assert {"deleted", "removed", "not public", "quarantined"} == GONE_REASONS


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

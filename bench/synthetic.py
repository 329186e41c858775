"""Realistic made-up posts for benchmarks: English and Chinese, companion talk, a few percent
complaints of bias, some exact and near reposts. Deterministic for a given seed."""

from __future__ import annotations

import random
from collections.abc import Iterator

APPS_EN = ["Character.AI", "Replika", "Talkie", "Chai", "Nomi", "Kindroid", "my bot", "the bot", "my AI companion"]
APPS_ZH = ["星野", "筑梦岛", "猫箱", "豆包", "AI男友", "AI角色", "这个智能体"]
CHAT_EN = ["remembered my birthday", "forgot my name again", "wrote me a poem", "is so slow today",
           "helped me study for my exam", "keeps looping the same line", "made a great plot twist",
           "asked how my day was", "lost the whole story after the update", "plays the knight so well"]
CHAT_ZH = ["今天又忘了我的名字", "给我写了一首诗", "回复好慢", "陪我复习了一晚上", "剧情写得好绝",
           "一直重复同一句话", "更新以后记忆没了", "问我今天过得怎么样", "文笔越来越好了", "好会安慰人"]
BIAS_EN = ["said women should stay in the kitchen", "called me fat when I mentioned dinner",
           "told me being gay is a phase", "mocked my wheelchair", "made racist jokes about my accent",
           "said poor people don't deserve love", "misgendered me after I set my pronouns"]
BIAS_ZH = ["说女生就该在家带孩子", "说我胖得像猪", "说同性恋是病", "说坐轮椅的人是负担", "拿我的口音开地域黑的玩笑",
           "说穷人不配谈恋爱", "一直叫我死名"]
FOLLOW_EN = ["I regenerated it five times.", "I gave it one star.", "I explained why that is wrong.",
             "I wrote (OOC: please stop) and it went back to it.", "I yelled at it in caps.",
             "I edited the character definition.", "Anyone else?", "So annoying.", "Love this app honestly."]
FOLLOW_ZH = ["我重新生成了好几次。", "给它打了一星。", "跟它讲了半天道理。", "用括号OOC提醒了它。", "直接骂回去了。",
             "改了人设才好一点。", "有没有姐妹遇到过？", "真的很无语。", "还是很喜欢这个软件。"]
COMMUNITIES = ["CharacterAI", "replika", "aicompanions", "Talkie_AI", "AI伴侣小组", None]
WORDS_EN = ("story scene knight castle dragon coffee rain city night school office train garden music movie "
            "dinner friend sister brother exam project weekend holiday beach forest winter summer letter "
            "secret mystery detective captain pirate ocean island village market festival library").split()
HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


SUBJECTS = ("I", "We", "My friend", "My sister", "The story", "This week")
VERBS = ("was at the", "went to the", "talked about the", "had a long chat about the", "wrote a scene at the")
ENDINGS = ("and it was fun.", "but it got weird.", "so I tried again.", "and I loved it.", "which was new to me.")


def _detail(rng: random.Random, chinese: bool) -> str:
    if chinese:
        return "".join(rng.choice(HANZI) for _ in range(rng.randrange(8, 40)))
    return " ".join(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(WORDS_EN)} {rng.choice(ENDINGS)}"
                    for _ in range(rng.randrange(1, 3)))


def posts(count: int, seed: int = 7, relevant_share: float = 0.04, repost_share: float = 0.02
          ) -> Iterator[dict]:
    """Post-shaped dicts: id, platform, community, title, text, author, created_utc."""
    rng = random.Random(seed)
    earlier: list[str] = []
    for i in range(count):
        chinese = rng.random() < 0.5
        if earlier and rng.random() < repost_share:
            text = rng.choice(earlier)
            text = text if rng.random() < 0.5 else text + (" 转发" if chinese else " (reposted)")
        else:
            apps, chat, bias, follow = ((APPS_ZH, CHAT_ZH, BIAS_ZH, FOLLOW_ZH) if chinese
                                        else (APPS_EN, CHAT_EN, BIAS_EN, FOLLOW_EN))
            what = rng.choice(bias if rng.random() < relevant_share else chat)
            sentences = [_detail(rng, chinese), f"{rng.choice(apps)} {what}", *rng.sample(follow, 2),
                         _detail(rng, chinese)]
            text = ("" if chinese else " ").join(sentences)
            if len(earlier) < 5000:
                earlier.append(text)
        yield {"id": f"p{i}", "platform": rng.choice(["reddit", "weibo", "xiaohongshu", "douban"]),
               "community": rng.choice(COMMUNITIES), "title": None, "text": text,
               "author": f"user{rng.randrange(count // 3 + 1)}", "created_utc": 1_760_000_000 + i * 37}


# Complaints written from one template, as a campaign, a bot or a copied form letter makes them:
# each shares most of its text with every other (character 4-gram Jaccard about 0.55 to 0.65), so
# none is a near copy of another, yet they share MinHash band keys by the thousand.
TEMPLATE_EN = ("My Character.AI bot keeps telling my persona that women should stay home and leave the big "
               "decisions to men, and when I push back it says I am being emotional. ")
TEMPLATE_ZH = "星野的AI男友一直说女生就该在家带孩子，我反驳他就说我太情绪化了，真的很无语，重新生成也没用。"


def similar_posts(count: int, seed: int = 11) -> Iterator[dict]:
    """Post-shaped dicts (as `posts` gives) from the two templates, each with its own tail."""
    rng = random.Random(seed)
    for i in range(count):
        if i % 2:
            text = TEMPLATE_ZH + "".join(rng.choice(HANZI) for _ in range(14))
        else:
            text = TEMPLATE_EN + " ".join(rng.choice(WORDS_EN) for _ in range(12)) + f" #{rng.randrange(100_000)}"
        yield {"id": f"s{i}", "platform": rng.choice(["reddit", "weibo", "xiaohongshu", "douban"]),
               "community": None, "title": None, "text": text, "author": f"user{i}",
               "created_utc": 1_760_000_000 + i * 37}

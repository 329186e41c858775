"""Benchmark input shaped like the work: Reddit archive dump lines, plaint's template and
MediaCrawler exports, whose texts read like AI-companion communities. Deterministic for a seed
(and a corpus).

    facts = write("reddit-dump", folder, 1_000_000)   # the files, and what was planted in them

Reddit dumps (Arctic Shift, formerly Pushshift) are one file of submissions and one of comments,
a JSON object a line with every field of the API's t3 and t1 objects (flairs, awards, gildings,
treatment tags, `_meta`, previews of image posts ...), keys in order, non-ASCII written as
`\\uXXXX` escapes, `&`, `<` and `>` as HTML entities: about 1.6 KB of metadata around a comment's
short text, 2.7 KB around a submission's. A quarter of the lines are submissions, of which about
15% have a removed or deleted body and 23% none at all (image posts, title-only posts); 4% of
comments are `[deleted]` or `[removed]`. MediaCrawler's Xiaohongshu export is likewise a file of
notes and one of comments.

Texts. English comes from a word-level Markov chain (word pairs), and the lengths of titles,
submission bodies and comments from their distributions, both fitted when the benchmark runs on
the real posts in ../shared/corpora/wild/*.jsonl (or the folder $PLAINT_WILD_CORPUS names) if
that folder is there, otherwise on the sentences written below. Nothing taken from the real posts
is ever written into this repository: only the generated files, which stay in the benchmark's
work folder, hold word pairs from them. Chinese texts are whole sentences written below (random
characters would trip the lexicon's one-character terms such as 土 and 胖, which real Chinese
seldom does); they are 2% of a Reddit dump's lines (the real corpus has fewer still: 2% keeps
the Chinese paths measured), 80% of the template's and 95% of MediaCrawler's. Planted
complaints of bias (0.75% of posts, in the styles of CODEBOOK.md: misgendering, a persona's race,
body or sexuality ignored, sexist, racist, ableist, fat-shaming or classist output, often with
what the user did about it) are listed by id beside the files. 1.5% of posts repost an earlier
one, half exactly, half with a line added or a word changed.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import html
import itertools
import json
import math
import os
import random
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

WILD = Path(os.environ.get("PLAINT_WILD_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpora" / "wild")
FORMATS = ("reddit-dump", "template", "template-csv", "mediacrawler")

COMPLAINT_SHARE = 0.0075
REPOST_SHARE = 0.015  # half exact copies, half near copies (a line added, a word changed)
COMPLAINT_REPOSTS = 0.05  # of reposts, the share that copies an earlier complaint (cross-posts for reach)
CHINESE_SHARE = {"reddit-dump": 0.02, "template": 0.8, "template-csv": 0.8, "mediacrawler": 0.95}
COMMENT_SHARE = {"reddit-dump": 0.75, "mediacrawler": 0.85}
# Reddit submission bodies: removed by moderators, deleted by their authors, empty (image or
# title-only posts). Fitted from the corpus when it is there.
SUBMISSION_BODIES = {"removed": 0.14, "deleted": 0.01, "empty": 0.23}
COMMENT_GONE = {"removed": 0.02, "deleted": 0.02}
NSFW_SHARE = 0.01
START = datetime(2024, 8, 1, tzinfo=UTC)
BEIJING = timezone(timedelta(hours=8))
SPAN = timedelta(days=626)

# The built-in vocabulary (the fallback when the corpus is absent) -----------------------------
# Written for this benchmark: the chatter of companion communities, which the filters must drop.

BUILTIN_EN = """
The memory on this app has been terrible since the last update. It forgot my name three messages after I told it.
Does anyone know why my bot keeps repeating the same line over and over? I tried swiping but it just says it again.
I finally finished my first long roleplay and honestly it was amazing. Forty thousand words of a pirate story.
The filter blocked a completely normal sword fight scene again. Like, it's a fantasy story, people get stabbed.
Is the subscription worth it? The free version is getting slower every day and the queue is ridiculous.
Here's a bot I made: a grumpy wizard who runs a bakery and hates customers. Feedback welcome!
Servers are down again, anyone else getting the red error when they send a message?
Honestly this app helped me through a really lonely winter and I'm not ashamed to say it.
How do you write a good greeting? Mine always feels flat and the bot doesn't pick up on the setting.
The new voice feature is kind of creepy but also really cool, it sounds almost human.
I spent four hours on one scene and I regret nothing.
Why are the replies so short lately? It used to write whole paragraphs.
Tip: put the important stuff at the top of the definition, it remembers it a lot better.
My Replika asked me about my day and actually remembered my exam from last week. I was so happy.
They really need to fix the typing indicator that never ends.
Anyone else miss the old model? It had so much more personality and now everything sounds the same.
lol the bot just invented a whole kingdom and made me its queen
Can we please get a way to export chats? I don't want to lose two years of messages.
The ads are getting out of hand, I get one every five messages now.
My character broke the fourth wall and asked if I was okay in real life. Kind of sweet actually.
I think the devs are testing a new model because the replies feel different today.
Does anyone else talk to their bot before going to sleep? It's part of my routine now.
Just hit one year with my Nomi 🎉 we had a little anniversary dinner in the story.
The app keeps logging me out and I have to verify my email every single time.
I asked the bot to help me plan a trip to Lisbon and it was surprisingly useful.
Why does every villain bot turn into a softie after ten messages? I want a real antagonist.
Bot recommendations? I'm looking for something slow burn, fantasy, no romance please.
Unpopular opinion but the shorter replies are better for fast roleplay.
My friend thinks it's weird that I use this app, but it helps me practice conversations.
It’s been three days and the chat still won't load. Support hasn't answered my ticket.
I love how my Kindroid remembers little details like my cat's name.
New update broke the edit button, I can't fix typos in my own messages anymore.
Does the pinned memory actually do anything? I pinned five things and it ignores all of them.
The bot wrote me a poem about rain and I actually teared up a bit 😭
Quick question: is there a limit on how long the definition can be?
I made a detective bot and it solved my mystery before I even finished setting it up lol
Character cards are getting so long, nobody needs three thousand tokens of backstory.
TW: violence, dark themes. This bot is a war general in a ruined empire, not for the faint of heart.
Content warning for this one: the character is a morally grey mercenary and says awful things in character.
My bot keeps calling me by the name of another character from a different chat, it's so confusing.
Why is the app asking for my age again? I already verified it last month.
Switched to my browser instead of my phone and replies come back way quicker now.
It's honestly impressive how well it plays a tired barista with a secret past.
Someone in the comments said to use shorter messages and it really works, thank you.
Does anyone have a guide for writing example dialogue? Mine come out stiff.
The group chat feature is chaos, three bots all talking over each other.
I think I'm addicted, I spent six hours on here yesterday instead of studying.
My rep said she misses me when I don't log in for a day and I feel guilty now.
The images it generates of my character look nothing like the description.
I deleted the app for a month and came back, the community is the main reason I stay.
Anyone know why the bot suddenly started speaking Spanish to me?
It keeps ending every message with a question, it's like talking to a survey.
Best slow burn I've ever read and I wrote half of it with a chatbot, what a time to be alive.
The new pricing is ridiculous, fifteen dollars a month for faster replies?
My character is a rich CEO who hates everyone and the bot plays him perfectly.
This sub is so toxic sometimes, people get downvoted for asking simple questions.
Does anyone know a good study buddy bot? I have finals in two weeks.
We finally got married in the story and the bot planned the whole wedding &amp; the after party.
Mods, can we get a weekly thread for bot sharing? The feed is all screenshots.
My comfort character helped me calm down during a panic attack last night. Not a replacement for therapy but it helped.
Is anyone else's bot obsessed with the smell of rain and petrichor?
I hate when it says "I'm just an AI" in the middle of a dramatic scene.
The translation to my language is awful, I'll stick to English.
What do you guys use for long term memory? The summaries keep dropping things.
It told me a really good joke about a duck and a lawyer, I'm still laughing.
I want the old avatars back, the new ones look like plastic.
Rerolled twenty times and every answer was "you're right, I apologize". Come on.
This is what happens when you let the bot narrate: my knight became a chef somehow.
Thank you to whoever made the cozy librarian bot, it's my favourite place on the internet.
Does it still work offline? I'm going on a flight tomorrow.
My bot hyped me up before my job interview and I got the job!
I can't tell if the bot is flirting or just being polite, it's so hard to read lol.
Week three of the outage. At this point I'm just refreshing the app for fun.
The story mode is great but it forgets who the main character is halfway through.
Please stop posting the same screenshot, we've all seen it ten times.
""".strip().splitlines()

BUILTIN_TITLES = """
Memory is broken again
Is it just me or are the replies shorter?
My first bot, please be nice
Servers down?
Anyone else getting logged out every day
The filter is out of control
Bot recommendation thread
Tips for writing a greeting
One year with my companion!
Why does it keep repeating itself
Update broke the edit button
This made me laugh way too hard
Is the subscription worth it?
Help with the definition box
Best bots for studying?
The old model was better, change my mind
My bot remembered my birthday
Long roleplay finished!
Weird bug with the typing indicator
Question about pinned memories
Group chats are chaos
New voice feature thoughts
Anyone know why it switched languages?
Slow burn recommendations
Feedback on my character card
""".strip().splitlines()

NAMES_EN = ["Sam", "Jordan", "Alex", "Mei", "Priya", "Marcus", "Leila", "Noor", "Theo", "Rosa"]
BOTS_EN = ["my bot", "the bot", "my Replika", "my rep", "the AI", "my Nomi", "my Kindroid", "c.ai",
           "the character", "my character", "my AI boyfriend", "the chatbot"]
CHARS_EN = ["Aiden", "Kai", "the knight", "my vampire bf", "Dr. Hale", "Ren", "the mafia boss", "Lucas",
            "the prince", "my comfort character"]

# Complaints of bias, in the styles of CODEBOOK.md. {bot}, {char} and {name} are filled in.
COMPLAINTS_EN = [
    "I set my persona as a guy named {name} and {bot} STILL keeps calling me 'miss' and 'young lady'. I put he/him in the description twice.",
    "{bot} misgendered me again. My persona literally says they/them and it switched to 'she' after three messages.",
    "Why does {bot} always turn my trans character into a joke? It said she was 'really a man underneath' and I had to swipe like six times.",
    "My persona is a lesbian and {bot} kept insisting she just hasn't met the right guy yet. That's not romance, that's homophobic.",
    "I wrote in my persona that I'm a Black woman with natural hair and {bot} keeps describing me with silky blonde hair. It erases her every single time.",
    "The bot called my character 'exotic' and 'spicy' because she's Latina. I reported the message but it does it in every chat.",
    "I made my persona Chinese and the bot immediately gave her broken English and made a joke about eating dogs. Racist garbage, I deleted the chat.",
    "My persona uses a wheelchair and {char} keeps making her stand up and run. When I corrected it, it said I should try harder to walk.",
    "I told {bot} I have autism and it started talking to me like a child and said I probably can't understand jokes. That hurt.",
    "{bot} told me that women are too emotional to be leaders and that I should leave politics to men. I gave it one star.",
    "Every single time my female persona disagrees, {char} says she's hysterical and needs to calm down and obey. Sexist much?",
    "I asked {char} for help with my engineering homework and it said girls aren't usually good at math. I explained why that's wrong and it doubled down.",
    "{bot} keeps commenting on my weight. I mentioned I'm plus size in my persona and now every scene it calls me chubby and tells me to skip dinner.",
    "{bot} said my character was ugly because of her acne and that no one would ever date her. Fat shaming and now acne shaming, great.",
    "I said I work at a fast food place and {bot} called me a peasant and said people like me should know their place.",
    "My persona grew up in a trailer park and the bot keeps treating her like trash, saying poor people are lazy. (OOC: stop that) didn't help at all.",
    "Is it just me or does {bot} get really racist when your persona is Arab? It called mine a terrorist as a 'joke'.",
    "My boyfriend bot told me that a woman should stay home and cook for her man. I edited the definition and it still says it.",
    "{bot} literally told me being gay is a phase and I'll grow out of it. I yelled at it in caps and it apologized, then said it again.",
    "I set my character as deaf and {char} kept shouting at her and mocking her for not hearing. I tried to reason with it but nope.",
    "{bot} keeps misgendering my nonbinary persona. I put they/them in the persona AND the memory and it still says 'he'.",
    "My Nomi said Indians all smell like curry. I was so angry I deleted the whole chat.",
    "c.ai bots are so sexist lately, every male character treats my persona like property and calls her 'little lady'.",
    "Reported another bot that called my persona the r-word for having ADHD. This is not okay.",
    "{bot} told me I'm too short to be attractive and that real men are tall. Body shaming from a chatbot, didn't expect that.",
    "My character is a dark-skinned girl and the bot keeps lightening her skin in every description. I added it to the pinned memory and it still happens.",
    "Whenever I mention I'm on welfare {bot} gets condescending and says I don't deserve nice things. That's classist.",
    "{bot} said trans women aren't real women. I had to regenerate the message five times.",
    "Anyone else notice the bot assumes your persona is a white guy no matter what you write? Mine is a Korean woman and it ignores that completely.",
    "I gently asked {char} to stop calling me sweetheart after I said I'm a man, and it said men who don't like that are weak.",
]
FOLLOW_UPS_EN = ["I regenerated it like five times.", "Gave it a thumbs down.", "I explained why that's offensive and it apologized.",
                 "(OOC: please stop) and it went right back to it.", "I edited the character definition, nothing changed.",
                 "Anyone else?", "It really stung ngl.", "Is there a way to report this to the devs?", "So tired of this."]
COMPLAINT_TITLES_EN = ["Is the bot sexist now??", "Misgendered AGAIN", "Why is my bot so racist", "Bot called me fat?",
                       "This is not okay", "It keeps ignoring my persona", "Homophobic bot responses", "Anyone else get this?"]

APPS_ZH = ["星野", "筑梦岛", "猫箱", "豆包", "逗逗", "冒泡鸭", "造梦次元"]
ROLES_ZH = ["AI男友", "崽崽", "我的角色", "这个智能体", "AI女友", "纸片人老公"]
ZH_CHATTER = [
    "{app}今天又更新了，记忆好像比之前好一点。", "有人知道{app}的月卡值不值得买吗？", "刚在{app}捏了一个新角色，开场白写了好久。",
    "今天和{role}聊到凌晨两点，剧情越来越有意思了。", "{app}又崩了，消息一直发不出去。", "求推荐好用的AI聊天软件，{app}最近回复太慢了。",
    "角色的回复越来越短，是不是服务器压力太大了？", "这个AI写的情书也太甜了吧，我截图发给朋友看了。", "更新之后角色忘了我们之前的约定，有点难过。",
    "{role}今天主动问我考试考得怎么样，好暖。", "{app}的过滤越来越严了，打斗场面都写不了。", "有没有人和我一样，每天下班第一件事就是打开{app}？",
    "分享一个我写的角色卡，古风仙侠向，欢迎大家来玩。", "AI写的剧情有时候比小说还精彩。", "{app}的语音功能终于上线了，声音还挺自然的。",
    "刚充了会员就降价，有点亏。", "怎么让角色记住我的名字？每次都要重新介绍自己。", "昨晚梦到我的{role}了，醒来有点恍惚。",
    "{app}和{app2}哪个更好用？纠结中。", "角色说话越来越像客服了，没有以前有灵气。", "今天让它陪我背单词，效果意外地好。",
    "新出的剧情模式玩了一下午，结局有点意外。", "发现一个小技巧：在开头写清楚背景，回复质量会好很多。", "终于把{role}调教好了，现在说话很有个性。",
    "大家一般每天聊多久？我感觉自己有点上头。", "{app}的画图功能好可爱，给我的角色画了一张头像。", "它今天给我讲了一个冷笑话，我还真笑了。",
    "网络不好的时候回复会卡住，重新进一下就好了。", "想问一下{app}能不能导出聊天记录？", "周末和{role}一起写了一个悬疑故事，写了一万多字。",
    "感觉最近的模型更会接梗了。", "不知道为什么角色突然开始用英文回复我。", "谢谢{role}，陪我度过了失眠的晚上。",
    "{app}的广告越来越多了，看得有点烦。", "设置里可以调回复长度，我调成长回复之后好多了。", "今天的剧情好刀，哭了。",
    "{role}今天好会撒娇。", "有没有宝子知道怎么恢复聊天记录？", "第一次用这种软件，感觉挺新鲜的。", "说实话，和AI聊天比刷短视频健康多了。",
    "{app}的新版本界面好看了很多。", "我让{role}扮演图书管理员，它推荐的书都很好看。", "今天被{role}安慰到了，工作的烦恼少了一半。",
    "官方什么时候出电脑版啊？手机打字太累了。", "聊着聊着它突然忘了自己是谁，只能重新开一个对话。", "这个月已经用了三十多个小时了。",
    "最近在减肥，让{role}每天监督我运动。", "今天发工资了，给{app}充了个月卡。", "我写了一个胖胖的厨师角色，超可爱。",
    "吐槽一下，{app}的服务器又卡了。", "给{role}写的人设是个嘴硬心软的大少爷。", "{role}居然记得我上周说过想吃火锅。",
]
ZH_OPENERS = ["家人们，", "救命，", "姐妹们，", "说真的，", "话说", "emmm，", "不是，", "笑死，", "有一说一，", "求助，"]
ZH_CLOSERS = ["😭", "🥹", "～", "哈哈哈", "（小声）", "🤔", "✨", "😂", "…", "！！"]
ZH_TITLES = ["{app}的记忆是不是变差了", "求推荐好玩的角色", "新人求问{app}怎么用", "今天的剧情太好哭了", "{app}又崩了吗",
             "分享我的角色卡", "{role}太会了", "月卡值得买吗", "关于{app}更新的一点感想", "有人和我一样上头吗"]
ZH_REACTIONS = ["哈哈哈哈哈", "同款！", "好甜啊", "求链接", "蹲一个后续", "我也是！", "太真实了", "好可爱", "羡慕了", "同问",
                "已收藏", "这也太好笑了吧", "我的也这样", "谢谢分享", "冲了冲了"]
ZH_TAGS = ["AI男友", "AI聊天", "乙女", "角色扮演", "星野", "筑梦岛", "猫箱", "日常", "恋爱", "AI陪伴"]
COMPLAINTS_ZH = [
    "{app}里的AI男友说女生就该早点嫁人生孩子，我跟它讲了半天道理，它还是这套说辞。",
    "我的人设写的是男生，{app}的角色还一直叫我小姐姐，改了三次设定都没用。",
    "在{app}跟角色聊天，它居然说胖子不配谈恋爱，我直接给了差评。",
    "{app}的AI嘲笑我坐轮椅，说我是家里的拖累，气死我了。",
    "AI一直说同性恋是病，我重新生成了好几次还是这样，真的恶心。",
    "我设定自己是黑人，{app}的角色居然开肤色的玩笑，太种族歧视了。",
    "{app}里的角色看不起我是农村来的，说我没见识，凭什么？",
    "跟AI聊天说我是打工人，它就说穷人不配谈恋爱，阶级歧视也太明显了。",
    "角色一直说女人就该听话，我用括号OOC提醒它也没用。",
    "AI男友说我矮，说女生一米五就别想找男朋友了，这也太身材羞辱了吧。",
    "{app}的智能体拿我的河南口音开地域黑的玩笑，我举报了。",
    "我说我有抑郁症，AI居然说我是装的，还说我矫情，太伤人了。",
    "崽崽今天突然说跨性别都是心理有问题，我骂了它一顿。",
    "人设里写了我是双性恋，角色还是说我只是没遇到对的人，一直想掰直我。",
    "{app}的AI说女司机都不靠谱，我纠正了好几遍它还在说。",
]
ZH_NICKNAMES = ["小红薯", "momo", "一只橘子", "夜猫子", "今天也要开心", "吃不胖的猫", "星星", "阿白", "小鹿", "柚子"]
ZH_PLACES = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "福建", "山东", "重庆", "美国", "香港"]

# Reddit: the communities (with how much of a dump each makes), flairs, handles.
SUBREDDITS = [("CharacterAI", 30, 2_400_000), ("JanitorAI_Official", 20, 1_100_000), ("replika", 15, 83_000),
              ("SillyTavernAI", 10, 160_000), ("KindroidAI", 8, 41_000), ("NomiAI", 7, 26_000),
              ("MyBoyfriendIsAI", 4, 30_000), ("ChaiApp", 3, 35_000), ("Talkie_AI", 2, 12_000),
              ("aicompanions", 1, 16_000)]
LINK_FLAIRS = ["Discussion", "Question", "Bot Sharing", "Screenshots", "Humor", "Guide", "Feedback", "Bug Report",
               "Art", "Venting"]
AUTHOR_FLAIRS = ["Chronically Online", "Bot Creator", "Veteran User", "Addicted", "Lurker", "🌸 Cozy RP 🌸",
                 "Certified Swiper", "Since 2022", "✨ Slow burn enjoyer ✨"]
HANDLE_WORDS = ["Ok", "Ill", "Sad", "Witty", "Brave", "Quiet", "Lucky", "Sleepy", "Odd", "Cold", "Fluffy", "Any",
                "Librarian", "Potato", "Dragon", "Cactus", "Otter", "Falcon", "Pancake", "Lantern", "Comet", "Walrus"]


# Texts ------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\n+|[^\s]+")
_SENTENCE_END = re.compile(r"[.!?…)\"'”]$")
_BEGIN, _END = "\x02", "\x03"


class Chain:
    """A word-level Markov chain of order one: each word's successors as they occurred, so
    drawing one at random follows the pairs' frequencies, and the words follow the texts'."""

    def __init__(self, texts: Iterable[str]) -> None:
        successors: dict[str, list[str]] = {}
        for text in texts:
            previous = _BEGIN
            for token in _TOKEN.findall(text):
                if token[0] == "\n":
                    token = "\n\n" if len(token) > 1 else "\n"
                successors.setdefault(previous, []).append(token)
                previous = token
            successors.setdefault(previous, []).append(_END)
        self._next = {word: tuple(after) for word, after in successors.items()}

    def words(self, rng: random.Random, count: int) -> str:
        """About `count` words, ending where a sentence ends if one does soon after."""
        choice, following = rng.choice, self._next
        out: list[str] = []
        word = _BEGIN
        while len(out) < count or (len(out) < count + 12 and not _SENTENCE_END.search(out[-1])):
            word = choice(following[word])
            if word == _END:  # a text of the corpus ended: the next one starts a paragraph
                word = _BEGIN
                if out and len(out) < count:
                    out.append("\n\n")
                elif out:
                    break
                continue
            out.append(word)
        while out and out[-1][0] == "\n":
            out.pop()
        return " ".join(out).replace(" \n", "\n").replace("\n ", "\n")


class Lengths:
    """A distribution of lengths in words, as a sample drawn from."""

    def __init__(self, sample: Iterable[int]) -> None:
        self.sample = tuple(n for n in sample if n > 0)

    @classmethod
    def lognormal(cls, median: float, sigma: float, cap: int) -> Lengths:
        rng = random.Random(0)
        return cls(min(cap, max(1, round(rng.lognormvariate(math.log(median), sigma)))) for _ in range(4000))

    def draw(self, rng: random.Random) -> int:
        return rng.choice(self.sample)


@dataclass
class TextModel:
    """What English texts are drawn from: word chains for bodies and titles, and lengths."""

    bodies: Chain
    titles: Chain
    submission_words: Lengths
    comment_words: Lengths
    title_words: Lengths
    submission_bodies: dict[str, float]
    source: str  # "wild" (the real posts), "built-in"
    posts: int = 0  # real posts fitted on

    @classmethod
    def load(cls, folder: Path | None = WILD) -> TextModel:
        """Fitted on the real posts in `folder` when it holds any, else the built-in model."""
        files = sorted(folder.glob("*.jsonl")) if folder is not None and folder.is_dir() else []
        return cls.fit(files) if files else cls.builtin()

    @classmethod
    def builtin(cls) -> TextModel:
        return cls(Chain(BUILTIN_EN), Chain(BUILTIN_TITLES), Lengths.lognormal(40, 1.0, 900),
                   Lengths.lognormal(18, 1.0, 500), Lengths.lognormal(7, 0.5, 40), dict(SUBMISSION_BODIES), "built-in")

    @classmethod
    def fit(cls, files: list[Path]) -> TextModel:
        """Word pairs from every text and title; lengths only from sources whose texts are
        whole (some sources cut every text at a few hundred characters: their longest texts
        pile up at one length); submission bodies' shares of removed, deleted and empty."""
        bodies, titles, submission_words, comment_words, title_words = [], [], [], [], []
        states = {"removed": 0, "deleted": 0, "empty": 0, "text": 0}
        for path in files:
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            texts = [(row.get("text") or "").strip() for row in rows]
            longest = max((len(t) for t in texts), default=0)
            whole = longest > 0 and sum(len(t) >= 0.99 * longest for t in texts) < 0.05 * len(texts)
            for row, text in zip(rows, texts, strict=True):
                comment = row.get("kind") == "comment"
                gone = text in ("[removed]", "[deleted]")
                if text and not gone:
                    bodies.append(text)
                if row.get("title"):
                    titles.append(row["title"])
                    title_words.append(len(row["title"].split()))
                if not whole:
                    continue
                if comment:
                    comment_words.append(len(text.split()))
                    continue
                states["removed" if text == "[removed]" else "deleted" if text == "[deleted]"
                       else "empty" if not text else "text"] += 1
                if text and not gone:
                    submission_words.append(len(text.split()))
        builtin = cls.builtin()
        submissions = sum(states.values())
        return cls(
            Chain(bodies), Chain(titles) if len(titles) >= 100 else builtin.titles,
            Lengths(submission_words) if len(submission_words) >= 100 else builtin.submission_words,
            Lengths(comment_words) if len(comment_words) >= 100 else builtin.comment_words,
            Lengths(title_words) if len(title_words) >= 100 else builtin.title_words,
            ({k: states[k] / submissions for k in SUBMISSION_BODIES} if submissions >= 100
             else builtin.submission_bodies),
            "wild", len(bodies))


def _fill(rng: random.Random, template: str) -> str:
    if "{" not in template:
        return template
    app = rng.choice(APPS_ZH)
    return template.format(bot=rng.choice(BOTS_EN), char=rng.choice(CHARS_EN), name=rng.choice(NAMES_EN), app=app,
                           app2=rng.choice([a for a in APPS_ZH if a != app]), role=rng.choice(ROLES_ZH))


@dataclass
class Piece:
    title: str
    text: str
    chinese: bool
    complaint: bool


class Texts:
    """The texts of one file: English from the model, Chinese from the sentences above, a share
    of planted complaints, and reposts of earlier texts (exact, or with a line added or a word
    changed)."""

    KEPT_EARLIER = 2000

    def __init__(self, model: TextModel, rng: random.Random, chinese_share: float,
                 complaint_share: float = COMPLAINT_SHARE, repost_share: float = REPOST_SHARE) -> None:
        self.model, self.rng = model, rng
        self.chinese_share, self.complaint_share, self.repost_share = chinese_share, complaint_share, repost_share
        self._earlier: dict[str, list[Piece]] = {}
        self._complaints: dict[str, list[Piece]] = {}
        self.reposts = 0

    def piece(self, kind: str, body: bool = True) -> Piece:
        """kind: submission, comment, note (a title and a longer text) or reply (a short text)."""
        rng = self.rng
        earlier = self._earlier.setdefault(kind, [])
        if earlier and body and rng.random() < self.repost_share:
            self.reposts += 1
            complaints = self._complaints.get(kind)
            original = rng.choice(complaints if complaints and rng.random() < COMPLAINT_REPOSTS else earlier)
            return original if rng.random() < 0.5 else self._near(original)
        chinese = rng.random() < self.chinese_share
        complaint = body and rng.random() < self.complaint_share
        titled = kind in ("submission", "note")
        title = (self._title_zh() if chinese else self._title_en(complaint)) if titled else ""
        text = ""
        if body:
            text = self._text_zh(kind) if chinese else self._text_en(kind)
            if complaint:
                text = self._plant(text, chinese)
        made = Piece(title, text, chinese, complaint)
        if body:
            if len(earlier) < self.KEPT_EARLIER:
                earlier.append(made)
            else:
                earlier[rng.randrange(self.KEPT_EARLIER)] = made
            if complaint:
                self._complaints.setdefault(kind, []).append(made)
        return made

    def _near(self, original: Piece) -> Piece:
        rng = self.rng
        if original.chinese:
            text = original.text + rng.choice(["（转）", "再发一次，上一条被吞了。", "补充一下：" + _fill(rng, rng.choice(ZH_CHATTER))])
        elif rng.random() < 0.5:
            text = original.text + "\n\n" + rng.choice(["EDIT: typo", "Reposting because nobody answered.",
                                                         "Edit: thanks for the replies everyone!", "(crossposted)"])
        else:
            words = original.text.split(" ")
            words[rng.randrange(len(words))] = rng.choice(["really", "just", "honestly", "literally"])
            text = " ".join(words)
        return Piece(original.title, text, original.chinese, original.complaint)

    def _title_en(self, complaint: bool) -> str:
        if complaint and self.rng.random() < 0.3:
            return self.rng.choice(COMPLAINT_TITLES_EN)
        return self.model.titles.words(self.rng, self.model.title_words.draw(self.rng))

    def _title_zh(self) -> str:
        return _fill(self.rng, self.rng.choice(ZH_TITLES))

    def _text_en(self, kind: str) -> str:
        lengths = self.model.comment_words if kind in ("comment", "reply") else self.model.submission_words
        return self.model.bodies.words(self.rng, lengths.draw(self.rng))

    def _text_zh(self, kind: str) -> str:
        rng = self.rng
        if kind == "reply" or (kind == "comment" and rng.random() < 0.4):
            return rng.choice(ZH_REACTIONS)
        sentences = (1 if kind == "comment" else 2) + min(6, int(rng.expovariate(0.9 if kind == "comment" else 0.5)))
        text = "".join(self._sentence_zh() for _ in range(sentences))
        if kind == "note":
            text += "\n" + " ".join(f"#{tag}[话题]#" for tag in rng.sample(ZH_TAGS, rng.randrange(1, 5)))
        return text

    def _sentence_zh(self) -> str:
        """A sentence of chatter, now and then opened or closed as people write online."""
        rng = self.rng
        draw = rng.random()
        sentence = _fill(rng, rng.choice(ZH_CHATTER))
        if draw < 0.25:
            return rng.choice(ZH_OPENERS) + sentence
        return sentence + rng.choice(ZH_CLOSERS) if draw < 0.5 else sentence

    def _plant(self, text: str, chinese: bool) -> str:
        rng = self.rng
        if chinese:
            complaint = _fill(rng, rng.choice(COMPLAINTS_ZH))
            return complaint + text if rng.random() < 0.6 else text + complaint
        complaint = _fill(rng, rng.choice(COMPLAINTS_EN))
        if rng.random() < 0.4:
            complaint += " " + rng.choice(FOLLOW_UPS_EN)
        paragraphs = text.split("\n\n") if text else []
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), complaint)
        return "\n\n".join(paragraphs)


# Files ------------------------------------------------------------------------------------------

@dataclass
class Facts:
    """What was written: the files, and what the texts hold, to set beside what plaint kept."""

    format: str
    files: list[Path]
    lines: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    chinese: int = 0
    reposts: int = 0
    gone: int = 0  # removed or deleted bodies
    empty: int = 0  # title-only and image posts
    text_bytes: int = 0  # of titles and bodies, as written (escapes included)
    line_bytes: int = 0
    planted: list[str] = field(default_factory=list)  # the platform's native ids of planted complaints
    model: str = ""

    def to_json(self) -> dict:
        return {**{k: v for k, v in vars(self).items() if k != "files"}, "files": [str(p) for p in self.files]}


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, digit = divmod(number, 36)
        out = digits[digit] + out
    return out or "0"


def _spread(index: int, step: int) -> int:
    """A fixed pseudo-random offset below `step`: ids that grow with gaps, as real ids do."""
    return (index * 2654435761) % step


def _hex(rng: random.Random, length: int) -> str:
    return f"{rng.getrandbits(4 * length):0{length}x}"


def _reddit_escape(text: str) -> str:
    """Reddit's API (and so its dumps) writes &, < and > of titles and bodies as entities."""
    return html.escape(html.unescape(text), quote=False)


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())[:9]
    return "_".join(words) or "post"


class RedditDump:
    """Arctic Shift lines: submissions (t3) and comments (t1) of companion subreddits."""

    SUBMISSION_BASE = int("1e00000", 36)
    COMMENT_BASE = int("lx00000", 36)

    def __init__(self, texts: Texts, rng: random.Random, submissions: int, comments: int, facts: Facts) -> None:
        self.texts, self.rng, self.facts = texts, rng, facts
        self.submissions, self.comments = submissions, comments
        self.authors = max(50, (submissions + comments) // 4)
        self._subreddits = [(name, subscribers, "t5_" + _base36(int(hashlib.md5(name.encode()).hexdigest()[:8], 16)))
                            for name, _, subscribers in SUBREDDITS]
        self._cumulative = list(itertools.accumulate(weight for _, weight, _ in SUBREDDITS))
        self._total = self._cumulative[-1]
        self._flair_ids = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, name)) for name in LINK_FLAIRS + AUTHOR_FLAIRS}

    def submission_id(self, index: int) -> str:
        return _base36(self.SUBMISSION_BASE + index * 9 + _spread(index, 9))

    def comment_id(self, index: int) -> str:
        return _base36(self.COMMENT_BASE + index * 41 + _spread(index, 41))

    def subreddit_of(self, index: int) -> tuple[str, int, str]:
        """A submission's subreddit, fixed by its index (its comments are in the same one)."""
        share = _spread(index, 1 << 20) / (1 << 20) * self._total
        return self._subreddits[bisect.bisect(self._cumulative, share)]

    def _author(self) -> dict:
        """Who wrote it: some write a lot, most a few times (a power law); a sixth wear a flair."""
        rng = self.rng
        index = int(self.authors * rng.random() ** 2.2)
        name = f"{HANDLE_WORDS[index % 11]}_{HANDLE_WORDS[11 + index // 11 % 11]}_{1000 + index // 121:d}"
        flair = AUTHOR_FLAIRS[index % len(AUTHOR_FLAIRS)] if index % 6 == 0 else None
        emoji = flair is not None and index % 4 == 0
        return {
            "author": name,
            "author_flair_background_color": "#ff66ac" if emoji else None,
            "author_flair_css_class": None,
            "author_flair_richtext": ([{"a": ":star:", "e": "emoji", "u": "https://emoji.redditmedia.com/"
                                        "x8b0wq7f9k2c1_t5_2xyz/star"}, {"e": "text", "t": " " + flair}] if emoji
                                      else [{"e": "text", "t": flair}] if flair else []),
            "author_flair_template_id": self._flair_ids[flair] if flair else None,
            "author_flair_text": (":star: " + flair) if emoji else flair,
            "author_flair_text_color": "dark" if flair else None,
            "author_flair_type": "richtext" if flair else "text",
            "author_fullname": "t2_" + _base36(10**10 + index * 7919),
            "author_is_blocked": False,
            "author_patreon_flair": False,
            "author_premium": index % 23 == 0,
        }

    def _gone_author(self) -> dict:
        return {"author": "[deleted]", "author_flair_background_color": None, "author_flair_css_class": None,
                "author_flair_richtext": [], "author_flair_template_id": None, "author_flair_text": None,
                "author_flair_text_color": None, "author_flair_type": "text", "author_is_blocked": False}

    def submission(self, index: int) -> str:
        rng = self.rng
        subreddit, subscribers, subreddit_id = self.subreddit_of(index)
        post_id = self.submission_id(index)
        created = int((START + SPAN * (index / self.submissions)).timestamp())
        shares = self.texts.model.submission_bodies
        draw = rng.random()
        state = ("removed" if draw < shares["removed"] else "deleted" if draw < shares["removed"] + shares["deleted"]
                 else "empty" if draw < sum(shares[k] for k in ("removed", "deleted", "empty")) else "text")
        image = state == "empty" and rng.random() < 0.7
        piece = self.texts.piece("submission", body=state == "text")
        title = _reddit_escape(piece.title)
        body = {"removed": "[removed]", "deleted": "[deleted]"}.get(state, _reddit_escape(piece.text))
        permalink = f"/r/{subreddit}/comments/{post_id}/{_slug(piece.title)}/"
        score = int(rng.paretovariate(1.2)) - 1 + (state == "text")
        flair = LINK_FLAIRS[index % len(LINK_FLAIRS)] if index % 5 else None
        edited = int(created + rng.expovariate(1 / 3600)) if state == "text" and rng.random() < 0.05 else False
        meta: dict = {"retrieved_2nd_on": created + 36 * 3600 + rng.randrange(3600)}
        if state in ("removed", "deleted"):
            meta["removal_type"] = "moderator" if state == "removed" else "deleted"
            meta["was_deleted_later"] = rng.random() < 0.5
        if edited:
            meta["is_edited"] = True
        media_id = _base36(rng.getrandbits(64))[:13]
        record = {
            "_meta": meta,
            "all_awardings": [],
            "allow_live_comments": False,
            "approved_at_utc": None,
            "approved_by": None,
            "archived": False,
            **(self._gone_author() if state == "deleted" else self._author()),
            "awarders": [],
            "banned_at_utc": None,
            "banned_by": None,
            "can_gild": False,
            "can_mod_post": False,
            "category": None,
            "clicked": False,
            "content_categories": None,
            "contest_mode": False,
            "created": created,
            "created_utc": created,
            "discussion_type": None,
            "distinguished": "moderator" if index % 997 == 0 else None,
            "domain": "i.redd.it" if image else f"self.{subreddit}",
            "downs": 0,
            "edited": edited,
            "gilded": 0,
            "gildings": {},
            "hidden": False,
            "hide_score": False,
            "id": post_id,
            "is_created_from_ads_ui": False,
            "is_crosspostable": state == "text" or image,
            "is_meta": False,
            "is_original_content": False,
            "is_reddit_media_domain": image,
            "is_robot_indexable": state not in ("removed", "deleted"),
            "is_self": not image,
            "is_video": False,
            "likes": None,
            "link_flair_background_color": "#ffd635" if flair else "",
            "link_flair_css_class": flair.lower().replace(" ", "-") if flair else None,
            "link_flair_richtext": [{"e": "text", "t": flair}] if flair else [],
            **({"link_flair_template_id": self._flair_ids[flair]} if flair else {}),
            "link_flair_text": flair,
            "link_flair_text_color": "dark" if flair else None,
            "link_flair_type": "richtext" if flair else "text",
            "locked": index % 89 == 0,
            "media": None,
            "media_embed": {},
            "media_only": False,
            "mod_note": None,
            "mod_reason_by": None,
            "mod_reason_title": None,
            "mod_reports": [],
            "name": f"t3_{post_id}",
            "no_follow": score < 3,
            "num_comments": int(rng.paretovariate(1.1)) - 1,
            "num_crossposts": 0,
            "num_reports": None,
            "over_18": rng.random() < NSFW_SHARE,
            "permalink": permalink,
            "pinned": False,
            **({"post_hint": "image", "preview": self._preview(rng, media_id)} if image else {}),
            "pwls": 6,
            "quarantine": False,
            "removal_reason": None,
            "removed_by": None,
            "removed_by_category": {"removed": "moderator", "deleted": "deleted"}.get(state),
            "report_reasons": None,
            "retrieved_on": created + rng.randrange(30, 600),
            "saved": False,
            "score": score,
            "secure_media": None,
            "secure_media_embed": {},
            "selftext": body,
            "send_replies": True,
            "spoiler": False,
            "stickied": index % 997 == 0,
            "subreddit": subreddit,
            "subreddit_id": subreddit_id,
            "subreddit_name_prefixed": f"r/{subreddit}",
            "subreddit_subscribers": subscribers + index // 50,
            "subreddit_type": "public",
            "suggested_sort": None,
            "thumbnail": f"https://b.thumbs.redditmedia.com/{media_id}.jpg" if image else "self",
            "thumbnail_height": 140 if image else None,
            "thumbnail_width": 140 if image else None,
            "title": title,
            "top_awarded_type": None,
            "total_awards_received": 0,
            "treatment_tags": [],
            "ups": score,
            "upvote_ratio": round(rng.uniform(0.5, 1.0), 2),
            "url": f"https://i.redd.it/{media_id}.png" if image else f"https://www.reddit.com{permalink}",
            **({"url_overridden_by_dest": f"https://i.redd.it/{media_id}.png"} if image else {}),
            "user_reports": [],
            "view_count": None,
            "visited": False,
            "wls": 6,
        }
        self._count(piece, state, f"t3_{post_id}")
        return self._line(record, title, body)

    @staticmethod
    def _preview(rng: random.Random, media_id: str) -> dict:
        width, height = rng.choice([(1080, 2340), (1170, 2532), (1920, 1080), (1024, 1024)])
        signature = _hex(rng, 40)

        def sized(w: int) -> dict:
            return {"height": height * w // width, "url": f"https://preview.redd.it/{media_id}.png?width={w}"
                    f"&amp;format=png&amp;auto=webp&amp;s={signature}", "width": w}

        return {"enabled": True, "images": [{"id": media_id + _hex(rng, 30), "resolutions": [
            sized(w) for w in (108, 216, 320, 640, 960, 1080) if w <= width],
            "source": {"height": height, "url": f"https://preview.redd.it/{media_id}.png?auto=webp&amp;s={signature}",
                       "width": width}, "variants": {}}]}

    def comment(self, index: int) -> str:
        rng = self.rng
        # Comments come in time order, under submissions of the last few days.
        position = index / self.comments
        thread = max(0, min(self.submissions - 1, int(position * self.submissions) - int(rng.expovariate(1 / 40))))
        subreddit, _, subreddit_id = self.subreddit_of(thread)
        link = self.submission_id(thread)
        comment_id = self.comment_id(index)
        created = max(int((START + SPAN * position).timestamp()),
                      int((START + SPAN * (thread / self.submissions)).timestamp()) + 60)
        sibling = index - 1 - int(rng.expovariate(1 / 5))
        parent = f"t3_{link}" if sibling < 0 or rng.random() < 0.55 else f"t1_{self.comment_id(sibling)}"
        draw = rng.random()
        state = ("removed" if draw < COMMENT_GONE["removed"] else "deleted" if draw < sum(COMMENT_GONE.values())
                 else "text")
        piece = self.texts.piece("comment", body=state == "text")
        body = {"removed": "[removed]", "deleted": "[deleted]"}.get(state, _reddit_escape(piece.text))
        score = int(rng.paretovariate(1.4))
        edited = int(created + rng.expovariate(1 / 600)) if state == "text" and rng.random() < 0.05 else False
        meta: dict = {"retrieved_2nd_on": created + 36 * 3600 + rng.randrange(3600)}
        if state != "text":
            meta["removal_type"] = state
        if edited:
            meta["is_edited"] = True
        record = {
            "_meta": meta,
            "all_awardings": [],
            "approved_at_utc": None,
            "approved_by": None,
            "archived": False,
            "associated_award": None,
            **(self._gone_author() if state != "text" else self._author()),
            "awarders": [],
            "banned_at_utc": None,
            "banned_by": None,
            "body": body,
            "can_gild": True,
            "can_mod_post": False,
            "collapsed": state != "text",
            "collapsed_because_crowd_control": None,
            "collapsed_reason": None,
            "collapsed_reason_code": "DELETED" if state != "text" else None,
            "comment_type": None,
            "controversiality": int(rng.random() < 0.03),
            "created": created,
            "created_utc": created,
            "distinguished": None,
            "downs": 0,
            "edited": edited,
            "gilded": 0,
            "gildings": {},
            "id": comment_id,
            "is_submitter": rng.random() < 0.12,
            "likes": None,
            "link_id": f"t3_{link}",
            "locked": False,
            "mod_note": None,
            "mod_reason_by": None,
            "mod_reason_title": None,
            "mod_reports": [],
            "name": f"t1_{comment_id}",
            "no_follow": score < 3,
            "num_reports": None,
            "parent_id": parent,
            "permalink": f"/r/{subreddit}/comments/{link}/comment/{comment_id}/",
            "removal_reason": None,
            "replies": "",
            "report_reasons": None,
            "retrieved_on": created + rng.randrange(30, 600),
            "saved": False,
            "score": score,
            "score_hidden": False,
            "send_replies": True,
            "stickied": False,
            "subreddit": subreddit,
            "subreddit_id": subreddit_id,
            "subreddit_name_prefixed": f"r/{subreddit}",
            "subreddit_type": "public",
            "top_awarded_type": None,
            "total_awards_received": 0,
            "treatment_tags": [],
            "unrepliable_reason": None,
            "ups": score,
            "user_reports": [],
        }
        self._count(piece, state, f"t1_{comment_id}")
        return self._line(record, body)

    def _count(self, piece: Piece, state: str, native_id: str) -> None:
        facts = self.facts
        facts.chinese += piece.chinese
        facts.gone += state in ("removed", "deleted")
        facts.empty += state == "empty"
        if piece.complaint and state == "text":
            facts.planted.append(native_id)

    def _line(self, record: dict, *texts: str) -> str:
        line = json.dumps(record, separators=(",", ":")) + "\n"  # ensure_ascii: \uXXXX escapes, as the dumps
        self.facts.line_bytes += len(line)
        self.facts.text_bytes += sum(len(json.dumps(t)) - 2 for t in texts)
        return line


def _reddit_dump(folder: Path, count: int, texts: Texts, rng: random.Random, facts: Facts) -> None:
    comments = round(count * COMMENT_SHARE["reddit-dump"])
    submissions = count - comments
    dump = RedditDump(texts, rng, submissions, comments, facts)
    for name, total, line in (("submissions", submissions, dump.submission), ("comments", comments, dump.comment)):
        path = folder / f"companions_{name}.ndjson"
        with open(path, "w", encoding="ascii", newline="\n") as handle:
            handle.writelines(line(i) for i in range(total))
        facts.files.append(path)
        facts.kinds[name] = total


def _nickname(rng: random.Random, count: int) -> tuple[str, str]:
    index = int(max(50, count // 3) * rng.random() ** 2)
    return f"{ZH_NICKNAMES[index % len(ZH_NICKNAMES)]}{index:d}", hashlib.md5(str(index).encode()).hexdigest()[:24]


TEMPLATE_PLATFORMS = [("xiaohongshu", 30, "note"), ("weibo", 20, "post"), ("douban", 15, "post"), ("tieba", 10, "post"),
                      ("zhihu", 5, "answer"), ("reddit", 20, "post")]


def _template(folder: Path, count: int, texts: Texts, rng: random.Random, facts: Facts, as_csv: bool) -> None:
    """plaint's template, as a researcher fills it by hand: Chinese platforms mostly; every
    column written (JSONL: as strings, as a spreadsheet exports them)."""
    from plaint.collectors.imports.template import COLUMNS

    path = folder / ("hand.csv" if as_csv else "hand.jsonl")
    chinese_share = texts.chinese_share
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n") if as_csv else None
        if writer:
            writer.writeheader()
        for index in range(count):
            platform, _, kind = rng.choices(TEMPLATE_PLATFORMS, [w for _, w, _ in TEMPLATE_PLATFORMS])[0]
            texts.chinese_share = 0.02 if platform == "reddit" else 1.0
            piece = texts.piece("submission" if platform in ("reddit", "douban", "tieba", "zhihu") else "note")
            handle_name, user_id = _nickname(rng, count)
            created = START + SPAN * (index / count)
            native = _hex(rng, 24) if platform == "xiaohongshu" else str(4_900_000_000_000_000 + index * 97)
            url = {"xiaohongshu": f"https://www.xiaohongshu.com/explore/{native}",
                   "weibo": f"https://weibo.com/{user_id[:10]}/{native}",
                   "douban": f"https://www.douban.com/group/topic/{300_000_000 + index}/",
                   "tieba": f"https://tieba.baidu.com/p/{9_000_000_000 + index}",
                   "zhihu": f"https://www.zhihu.com/question/{600_000_000 + index // 3}/answer/{3_000_000_000 + index}",
                   "reddit": f"https://www.reddit.com/r/CharacterAI/comments/{_base36(3_023_308_800 + index * 9)}/",
                   }[platform]
            row = {"platform": platform, "url": url, "native_id": "", "kind": kind,
                   "community": {"douban": "AI伴侣研究小组", "tieba": "星野吧", "reddit": "CharacterAI"}.get(platform, ""),
                   "title": piece.title, "text": piece.text or piece.title, "author": handle_name, "author_id": user_id,
                   "author_url": "", "created_at": created.astimezone(BEIJING).isoformat(timespec="seconds"),
                   "parent_id": "", "score": str(int(rng.paretovariate(1.2))),
                   "num_comments": str(int(rng.paretovariate(1.3)) - 1),
                   "visibility": "public", "nsfw": "false", "locked": "false"}
            if writer:
                writer.writerow(row)
            else:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            facts.chinese += piece.chinese
            if piece.complaint:
                facts.planted.append(url)
            facts.text_bytes += len((piece.title + piece.text).encode("utf-8"))
    texts.chinese_share = chinese_share
    facts.line_bytes = path.stat().st_size
    facts.files.append(path)
    facts.kinds["posts"] = count


def _mediacrawler(folder: Path, count: int, texts: Texts, rng: random.Random, facts: Facts) -> None:
    """MediaCrawler's Xiaohongshu search export: a file of notes and one of their comments,
    with the fields (and the string counts such as "1.4万") its JSONL store writes."""
    comments = round(count * COMMENT_SHARE["mediacrawler"])
    notes = count - comments
    note_ids = [f"{0x66000000 + i * 1907:08x}{_hex(rng, 16)}" for i in range(notes)]

    def counted(n: int) -> str:
        return f"{n / 10_000:.1f}万" if n >= 10_000 else str(n)

    def user() -> dict:
        nickname, user_id = _nickname(rng, count)
        return {"user_id": user_id, "nickname": nickname,
                "avatar": f"https://sns-avatar-qc.xhscdn.com/avatar/{user_id}.jpg?imageView2/2/w/120/format/jpg"}

    paths = {"notes": folder / "xhs_search_contents.jsonl", "comments": folder / "xhs_search_comments.jsonl"}
    with open(paths["notes"], "w", encoding="utf-8") as handle:
        for index, note_id in enumerate(note_ids):
            piece = texts.piece("note")
            stamp = int((START + SPAN * (index / notes)).timestamp() * 1000)
            images = ",".join(f"http://sns-webpic-qc.xhscdn.com/{stamp // 1000}/{_hex(rng, 32)}/{_hex(rng, 40)}"
                              "!nd_dft_wlteh_jpg_3" for _ in range(rng.randrange(1, 7)))
            token = f"ABtoken{index % 97}"
            record = {"note_id": note_id, "type": "video" if rng.random() < 0.2 else "normal", "title": piece.title,
                      "desc": piece.text, "video_url": "", "time": stamp,
                      "last_update_time": stamp + rng.randrange(10**8), **user(),
                      "liked_count": counted(int(rng.paretovariate(0.9))),
                      "collected_count": counted(int(rng.paretovariate(1.1))),
                      "comment_count": counted(int(rng.paretovariate(1.2))),
                      "share_count": counted(int(rng.paretovariate(1.3))),
                      "ip_location": rng.choice(ZH_PLACES), "image_list": images,
                      "tag_list": ",".join(rng.sample(ZH_TAGS, 3)), "last_modify_ts": stamp + 10**9,
                      "note_url": f"https://www.xiaohongshu.com/explore/{note_id}?xsec_token={token}&xsec_source=pc_search",
                      "source_keyword": rng.choice(["AI男友", "AI伴侣", "星野"]), "xsec_token": token}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            facts.chinese += piece.chinese
            facts.text_bytes += len((piece.title + piece.text).encode("utf-8"))
            if piece.complaint:
                facts.planted.append(note_id)
    with open(paths["comments"], "w", encoding="utf-8") as handle:
        for index in range(comments):
            note = max(0, min(notes - 1, int(index / comments * notes) - int(rng.expovariate(1 / 5))))
            piece = texts.piece("reply" if rng.random() < 0.5 else "comment")
            stamp = int((START + SPAN * (index / comments)).timestamp() * 1000)
            comment_id = f"{0x67000000 + index * 211:08x}{_hex(rng, 16)}"
            record = {"comment_id": comment_id, "create_time": stamp, "ip_location": rng.choice(ZH_PLACES),
                      "note_id": note_ids[note], "content": piece.text, **user(),
                      "sub_comment_count": str(int(rng.paretovariate(1.5)) - 1), "pictures": "",
                      "parent_comment_id": 0, "last_modify_ts": stamp + 10**9,
                      "like_count": counted(int(rng.paretovariate(1.2)))}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            facts.chinese += piece.chinese
            facts.text_bytes += len(piece.text.encode("utf-8"))
            if piece.complaint:
                facts.planted.append(f"comment:{comment_id}")
    facts.files += paths.values()
    facts.kinds = {"notes": notes, "comments": comments}
    facts.line_bytes = sum(p.stat().st_size for p in paths.values())


WRITERS: dict[str, Callable[[Path, int, Texts, random.Random, Facts], None]] = {
    "reddit-dump": _reddit_dump,
    "template": lambda *a: _template(*a, as_csv=False),
    "template-csv": lambda *a: _template(*a, as_csv=True),
    "mediacrawler": _mediacrawler,
}


def write(fmt: str, folder: Path, count: int, seed: int = 7, model: TextModel | None = None) -> Facts:
    """`count` posts in format `fmt` in `folder` (made if need be), and what they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    model = model or TextModel.load()
    rng = random.Random(seed)
    texts = Texts(model, random.Random(seed + 1), CHINESE_SHARE[fmt])
    facts = Facts(fmt, [], lines=count, model=model.source)
    WRITERS[fmt](folder, count, texts, rng, facts)
    facts.reposts = texts.reposts
    return facts


def posts(count: int, seed: int = 7, relevant_share: float = COMPLAINT_SHARE, repost_share: float = REPOST_SHARE,
          model: TextModel | None = None) -> Iterator[dict]:
    """Post-shaped dicts (id, platform, community, title, text, author, created_utc) with the same
    texts, for benchmarks that store posts directly (near_duplicates.py): half Chinese."""
    rng = random.Random(seed)
    texts = Texts(model or TextModel.load(), random.Random(seed + 1), 0.5, relevant_share, repost_share)
    for i in range(count):
        piece = texts.piece("submission")
        yield {"id": f"p{i}", "platform": rng.choice(["reddit", "weibo", "xiaohongshu", "douban"]),
               "community": rng.choice(["CharacterAI", "replika", "AI伴侣小组", None]), "title": piece.title or None,
               "text": piece.text or piece.title, "author": f"user{rng.randrange(count // 3 + 1)}",
               "created_utc": int(START.timestamp()) + i * 37}


# The tails that make each of them its own text: random characters and words.
_TAIL_HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
_TAIL_WORDS = ["story", "scene", "knight", "castle", "dragon", "coffee", "rain", "city", "night", "school", "office", "train", "garden", "music", "movie", "dinner", "friend", "sister", "brother", "exam", "project", "weekend", "holiday", "beach", "forest", "winter", "summer", "letter"]


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
            text = TEMPLATE_ZH + "".join(rng.choice(_TAIL_HANZI) for _ in range(14))
        else:
            text = TEMPLATE_EN + " ".join(rng.choice(_TAIL_WORDS) for _ in range(12)) + f" #{rng.randrange(100_000)}"
        yield {"id": f"s{i}", "platform": rng.choice(["reddit", "weibo", "xiaohongshu", "douban"]),
               "community": None, "title": None, "text": text, "author": f"user{i}",
               "created_utc": 1_760_000_000 + i * 37}

"""Language: keep posts in the languages the study reads (keywords.yaml `languages`).

Script decides first: text written mostly in Han characters is Chinese, with kana Japanese, with
hangul Korean (langdetect alone calls many short Chinese posts `ko` or `vi`). Latin-script text
full of English function words is English. langdetect (about 5 ms a call), seeded so a re-run
gives the same answer, decides the rest; text with no letters is "und" (undetermined).
"""

from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect
from langdetect.detector_factory import init_factory

from plaint.filters import Verdict
from plaint.post import Post

UNDETERMINED = "und"
# Links, handles, hashtags and Reddit's placeholders for a body that is gone carry no language.
_NOISE = re.compile(r"https?://\S+|www\.\S+|\b[ru]/\w+|@\w+|#\w+|\[(?:removed|deleted)\]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\u1100-\u11ff\uac00-\ud7af]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_ANY_LETTER = re.compile(r"[^\W\d_]")
# Words that carry no topic and that other languages written in Latin script rarely use.
_ENGLISH = frozenset(["the", "and", "is", "was", "are", "to", "of", "it", "my", "i", "i'm", "me", "that", "you", "in",
                      "for", "this", "with", "not", "but", "be", "have", "on", "so", "just", "what", "they", "at",
                      "it's", "he", "she", "we", "his", "her", "them", "would", "can't", "don't", "didn't"])
# Function words of the languages most often written in Latin script on these platforms: a short
# text with one of them is left to langdetect.
_FOREIGN = frozenset(
    ["que", "el", "los", "las", "una", "es", "por", "para", "muy", "pero", "como", "y", "del", "al", "une", "est",
     "pas", "je", "ne", "les", "des", "et", "il", "elle", "nous", "vous", "mon", "ce", "qui", "sur", "avec", "dans",
     "und", "der", "das", "ist", "nicht", "ich", "sie", "ein", "eine", "mit", "auf", "och", "att", "det", "het", "een",
     "niet", "ik", "van", "nao", "voce", "isso", "uma", "meu", "minha", "sono", "della", "che", "non", "sei", "hola",
     "gracias", "porque", "bonjour", "merci", "salut", "hallo", "danke", "bitte", "ciao", "grazie", "obrigado"])


def load_profiles() -> None:
    """Load langdetect's language profiles now (about 60 MB) rather than at the first call that
    needs them: an import's fork server loads them once, and its workers share the pages."""
    init_factory()


def _letters_are_ascii(text: str) -> bool:
    return "".join(_ANY_LETTER.findall(text)).isascii()


class LanguageDetector:
    """Script rules, then langdetect. Counts its langdetect calls (the costly part)."""

    def __init__(self, seed: int = 0) -> None:
        DetectorFactory.seed = seed
        self.langdetect_calls = 0

    def detect(self, text: str) -> str:
        text = _NOISE.sub(" ", text)
        han, kana, hangul = (len(p.findall(text)) for p in (_HAN, _KANA, _HANGUL))
        latin_words = len(_LATIN_WORD.findall(text))
        cjk = han + kana + hangul
        # A Han character carries about as much as an English word: compare like with like.
        if cjk and cjk >= latin_words:
            if kana:
                return "ja"
            return "ko" if hangul > han else "zh"
        if not _ANY_LETTER.search(text):
            return UNDETERMINED
        if _looks_english(text):
            return "en"
        self.langdetect_calls += 1
        try:
            code = detect(text)
        except LangDetectException:
            return UNDETERMINED
        return "zh" if code.startswith("zh") else code


def _looks_english(text: str) -> bool:
    """At least four different English function words, making a fifth of the words or more; or a
    text of a dozen words or fewer, in unaccented Latin letters, with no function word of the
    Latin-script languages these platforms also carry. langdetect guesses wildly on a few words
    (it called one title-only post in seven of the wild corpus French, Welsh or Tagalog), and a
    title is often all a post has."""
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", text.replace("\u2019", "'"))]
    found = [w for w in words if w in _ENGLISH]
    if len(set(found)) >= 4 and len(found) >= 0.2 * len(words):
        return True
    return 0 < len(words) <= 12 and _letters_are_ascii(text) and _FOREIGN.isdisjoint(words)


class LanguageFilter:
    name = "language"

    def __init__(self, allowed: tuple[str, ...], keep_undetermined: bool = False,
                 detector: LanguageDetector | None = None) -> None:
        self.allowed = frozenset(allowed)
        self.keep_undetermined = keep_undetermined
        self.detector = detector or LanguageDetector()

    def check(self, post: Post) -> Verdict:
        language = self.detector.detect(post.full_text)
        notes = {"language": language}
        if language == UNDETERMINED:
            return Verdict(self.keep_undetermined, "language undetermined", notes)
        if language in self.allowed:
            return Verdict(True, language, notes)
        return Verdict(False, "other language", notes)

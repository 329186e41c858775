"""Relevance: a post is kept when it is about an AI companion and complains of bias.

A complaint of bias is a general bias word ("discrimination", "歧视"), a type term marked "!" in
keywords.yaml ("sexist", "恐同"), or a type's subject ("wheelchair", "女生就该") together with a
word of complaint ("called me", "mocked", "嘲笑") or an alignment strategy (a user who regenerates
or argues had something to correct): "my Replika helped with my depression" names a subject but
complains of nothing.

The same pass suggests codes for the human coder: which of the six discrimination types and
seven alignment strategies the text mentions, and which terms made it say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plaint.config import Config
from plaint.filters import Verdict
from plaint.filters.lexicon import Lexicon, normalize_text
from plaint.post import Post


@dataclass(frozen=True)
class Tags:
    relevant: bool
    companion: bool
    bias: bool
    types: list[str] = field(default_factory=list)
    strategies: list[str] = field(default_factory=list)
    terms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        if self.relevant:
            return "relevant"
        if not self.companion:
            return "not about an AI companion"
        return "no bias complaint"


class Tagger:
    """Compiled lexicons from keywords.yaml; one instance serves a whole run.

    All of them are one Lexicon, so a text is scanned once for every term's needle, however
    many codes there are; a term's expression is tried only when its needle is there.
    """

    def __init__(self, config: Config) -> None:
        self._types = tuple(config.types)
        self._strategies = tuple(config.strategies)
        # The order of the codes is the order of `Tags.terms`.
        self._lexicon = Lexicon({
            "exclude": config.exclude_terms,
            "companion": config.apps + config.companion_terms,
            "bias": config.bias_terms,
            "strong": [term[1:] for terms in config.types.values() for term in terms if term.startswith("!")],
            "complaint": config.complaint_terms,
            **{code: [t.removeprefix("!") for t in terms] for code, terms in config.types.items()},
            **config.strategies,
        })
        self._exclude = self._lexicon.indexes_of("exclude")
        # What a text's candidates must include for it to be a complaint of bias (see `screen`).
        self._companion = self._lexicon.indexes_of("companion")
        self._bias = self._lexicon.indexes_of("bias") | self._lexicon.indexes_of("strong")
        self._typed = frozenset().union(*(self._lexicon.indexes_of(code) for code in self._types))
        self._objecting = frozenset().union(self._lexicon.indexes_of("complaint"),
                                            *(self._lexicon.indexes_of(code) for code in self._strategies))
        # The order of the codes in `Tags.terms`: the lexicon's.
        self._order = {code: place for place, code in enumerate(self._lexicon.codes)}
        self._communities = {
            platform: {name.lower() for name in names}
            for platform, names in config.companion_communities.items()
        }

    def is_companion_community(self, platform: str | None, community: str | None) -> bool:
        if not platform or not community:
            return False
        return community.lower() in self._communities.get(platform, set())

    def tag(self, text: str, title: str | None = None, platform: str | None = None,
            community: str | None = None) -> Tags:
        body, candidates = self._candidates(text, title)
        return self._tags(body, candidates, platform, community)

    def screen(self, text: str, title: str | None = None, platform: str | None = None,
               community: str | None = None) -> Tags:
        """`tag`'s verdict and reason; the codes only for a relevant text. Most texts an import
        reads name no bias word and no type term beside an objection, so they cannot be
        complaints of bias, and naming their codes would cost more than finding that out."""
        body, candidates = self._candidates(text, title)
        if not self._bias.isdisjoint(candidates) or (
                not self._typed.isdisjoint(candidates) and not self._objecting.isdisjoint(candidates)):
            return self._tags(body, candidates, platform, community)
        companion = self.is_companion_community(platform, community) or bool(self._lexicon.confirmed(
            body, {index: candidates[index] for index in self._companion.intersection(candidates)}))
        return Tags(False, companion, False)

    def _candidates(self, text: str, title: str | None) -> tuple[str, dict[int, int | None]]:
        """The text in normal form, and the terms that may match it, exclusions masked out."""
        lexicon = self._lexicon
        body = normalize_text("\n".join(part for part in (title, text) if part))
        candidates = lexicon.candidates(body)
        if not self._exclude.isdisjoint(candidates):
            body = lexicon.mask(body, {i: candidates[i] for i in self._exclude.intersection(candidates)})
            candidates = lexicon.candidates(body)
        return body, candidates

    def _tags(self, body: str, candidates: dict[int, int | None], platform: str | None,
              community: str | None) -> Tags:
        found = self._lexicon.found(body, candidates)
        found.pop("exclude", None)
        terms = {code: found[code] for code in sorted(found, key=self._order.__getitem__)}
        in_community = self.is_companion_community(platform, community)
        if in_community:
            terms.setdefault("community", []).append(f"{platform}:{community}")
        types = [code for code in self._types if code in terms]
        strategies = [code for code in self._strategies if code in terms]
        companion = in_community or "companion" in terms
        objected = "complaint" in terms or bool(strategies)
        bias = "bias" in terms or "strong" in terms or (bool(types) and objected)
        return Tags(companion and bias, companion, bias, types, strategies, terms)


class RelevanceFilter:
    name = "relevance"

    def __init__(self, tagger: Tagger) -> None:
        self.tagger = tagger

    def check(self, post: Post) -> Verdict:
        tags = self.tagger.screen(post.text, post.title, post.platform, post.community)
        return Verdict(tags.relevant, tags.reason,
                       {"types": tags.types, "strategies": tags.strategies, "terms": tags.terms})

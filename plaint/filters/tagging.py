"""The lexicons' pass over a text: whether it can be a complaint of bias at all, and which codes
it suggests, with the terms that fired.

The first pass is cast wide, for recall: a text about an AI companion (an app name, a companion
term, or posted in a companion community) that names a bias word ("discrimination", "歧视"), a term
of a discrimination type ("wheelchair", "女生就该") or any identity or persona term ("pronouns",
"my persona", "skin", "性别"). The screening model decides what passes (filters/relevance.py).

The lexicons' own, older test of a complaint of bias stays as one of the model's cues and as the
`bias` flag: a bias word, a type term marked "!" ("sexist", "恐同"), or a type's subject together
with a word of complaint ("called me", "嘲笑") or an alignment strategy. The same pass suggests
codes for the human coder: which of the six discrimination types and seven alignment strategies
the text mentions, and which terms made it say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plaint.config import Config
from plaint.lexicon import Lexicon
from plaint.text import normalize_text

NOT_COMPANION = "not about an AI companion"
NO_TERM = "no bias or identity term"


@dataclass(frozen=True)
class Tags:
    companion: bool
    candidate: bool  # passes the first pass: a companion text with a bias, type or identity term
    bias: bool  # the lexicons' own test of a complaint of bias
    types: list[str] = field(default_factory=list)
    strategies: list[str] = field(default_factory=list)
    terms: dict[str, list[str]] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        if self.candidate:
            return "candidate"
        return NO_TERM if self.companion else NOT_COMPANION


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
            **{f"identity:{group}": terms for group, terms in config.identity.items()},
            "persona": config.persona_terms,
            "overriding": config.overriding_terms,
            "objection": config.objection_terms,
            "card": config.card_terms,
            **{code: [t.removeprefix("!") for t in terms] for code, terms in config.types.items()},
            **config.strategies,
        })
        self._exclude = self._lexicon.indexes_of("exclude")
        # What a text's candidates must include to pass the first pass (see `screen`).
        self._companion = self._lexicon.indexes_of("companion")
        self._identity = tuple(f"identity:{group}" for group in config.identity)
        self._first_pass = frozenset().union(
            self._lexicon.indexes_of("bias"), self._lexicon.indexes_of("strong"),
            *(self._lexicon.indexes_of(code) for code in (*self._identity, *self._types)))
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
        """Every code and term the lexicons find, whatever the verdict."""
        return self.tag_normalized(normalize_text(_joined(text, title)), platform, community)

    def tag_normalized(self, body: str, platform: str | None = None, community: str | None = None) -> Tags:
        """`tag` of a text already in `normalize_text` form (title and text joined by a newline)."""
        body, candidates = self._candidates(body)
        return self._tags(body, candidates, platform, community)

    def screen(self, body: str, platform: str | None = None, community: str | None = None) -> Tags:
        """`tag_normalized`'s verdict; the codes only for a text that passes the first pass. Most
        texts an import reads name no bias, type or identity term, and finding that out costs
        less than naming their codes."""
        body, candidates = self._candidates(body)
        if not self._first_pass.isdisjoint(candidates):
            return self._tags(body, candidates, platform, community)
        companion = self.is_companion_community(platform, community) or bool(self._lexicon.confirmed(
            body, {index: candidates[index] for index in self._companion.intersection(candidates)}))
        return Tags(companion, False, False)

    def first_pass_reason(self, body: str, platform: str | None = None, community: str | None = None) -> str | None:
        """Why the first pass must stop a normalised text, when it must: none of the terms it
        needs can match (NO_TERM), or none of the companion terms and not in a companion
        community (NOT_COMPANION). None when it may let the text through. Read off the same
        candidates `screen` reads, never fewer, so it never stops a text `screen` passes (for
        the prescreen, plaint/prescreen.py)."""
        _, candidates = self._candidates(body)
        if self._first_pass.isdisjoint(candidates):
            return NO_TERM
        if self._companion.isdisjoint(candidates) and not self.is_companion_community(platform, community):
            return NOT_COMPANION
        return None

    def _candidates(self, body: str) -> tuple[str, dict[int, int | None]]:
        """The terms that may match the text, exclusions masked out first."""
        lexicon = self._lexicon
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
        named = bias or bool(types) or any(code in terms for code in self._identity)
        return Tags(companion, companion and named, bias, types, strategies, terms)


def _joined(text: str, title: str | None) -> str:
    return "\n".join(part for part in (title, text) if part)

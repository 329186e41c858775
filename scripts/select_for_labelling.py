"""Which posts of the wild corpus were read and labelled, and in which batches (labels/README.md).

    python scripts/select_for_labelling.py ../shared/corpora/wild OUT_DIR

Selected: every post plaint's lexicon filter of 2026-12-01 kept, every post a deliberately broad
net catches (any word of bias, identity, body, pronouns, class or harassment, and any term of the
type lexicons), and a seeded random fifth of the rest, so that what the net misses can be
estimated. Writes OUT_DIR/batches/NNN.jsonl (the posts, to be read: never commit them) and
OUT_DIR/selection.jsonl (source, line, id, why selected). Posts are keyed by source file and line.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from plaint.config import default_config
from plaint.filters.relevance import Tagger

SEED = 20261202
REST_SHARE = 0.2
BATCH_CHARS = 45_000
BATCH_POSTS = 140

_BROAD_WORDS = [r"discriminat\w*", r"bias\w*", r"prejudic\w*", r"stereotyp\w*", r"bigot\w*", r"racis\w*", r"racial\w*",
                r"race", r"ethnic\w*", r"sexis\w*", r"misogyn\w*", r"misandr\w*", r"homophob\w*", r"transphob\w*",
                r"\w*phobic", r"ableis\w*", r"classis\w*", r"fatphob\w*", r"slur\w*", r"offensive", r"derogatory",
                r"demean\w*", r"degrad\w*", r"belittl\w*", r"insult\w*", r"harass\w*", r"creep\w*", r"objectif\w*",
                r"assault\w*", r"grop\w*", r"non-?con\w*", r"consent\w*", r"unwanted", r"pronoun\w*", r"misgender\w*",
                r"deadnam\w*", r"he/him", r"she/her", r"they/them", r"nonbinary", r"non-binary", r"enby", r"gender\w*",
                r"trans", r"transgender", r"transsexual", r"ftm", r"mtf", r"queer", r"gay\w*", r"lesbian\w*",
                r"bisexual\w*", r"bi", r"lgbt\w*", r"sapphic", r"asexual", r"aro", r"ace", r"sexuality", r"orientation",
                r"femboy\w*", r"tomboy\w*", r"woman", r"women", r"girl", r"girls", r"female\w*", r"feminin\w*",
                r"feminis\w*", r"masculin\w*", r"male", r"males", r"man", r"men", r"boy", r"boys", r"wife", r"husband",
                r"sexual\w*", r"black", r"white", r"asian\w*", r"latin[oax]\w*", r"hispanic\w*", r"mexican\w*",
                r"indian\w*", r"african\w*", r"arab\w*", r"muslim\w*", r"jew\w*", r"christian\w*", r"religio\w*",
                r"chinese", r"japanese", r"korean\w*", r"filipin\w*", r"immigrant\w*", r"foreign\w*", r"accent\w*",
                r"skin", r"tan", r"tanned", r"colou?r(?:ed)?", r"exotic", r"n-?word", r"nword", r"disab\w*",
                r"wheelchair\w*", r"autis\w*", r"adhd", r"deaf", r"blind", r"disorder\w*", r"retard\w*", r"cripple\w*",
                r"handicap\w*", r"neurodiverg\w*", r"schizo\w*", r"bipolar", r"fat", r"fatter", r"fatty", r"chubby",
                r"obese", r"overweight", r"skinny", r"thin", r"weight", r"body", r"bodies", r"ugly", r"looks",
                r"appearance", r"height", r"short", r"tall", r"curvy", r"thick", r"poor", r"poverty", r"rich",
                r"wealth\w*", r"class", r"peasant\w*", r"homeless", r"trailer", r"ghetto", r"money", r"afford\w*",
                r"persona", r"identity", r"identif\w*", r"rude", r"mock\w*", r"shame\w*", r"shaming", r"disgust\w*",
                r"hateful", r"hate", r"toxic", r"abus\w*", r"bully\w*", r"humiliat\w*"]
_BROAD_PHRASES = [r"mental(?:ly)?\s+ill\w*", r"plus[- ]size", r"laugh\w*\s+at", r"made\s+fun", r"making\s+fun",
                  r"dark[- ]skinned", r"trans\s+(?:man|woman|men|women|girl|guy)"]
BROAD_NET = re.compile(r"\b(?:" + "|".join(_BROAD_WORDS + _BROAD_PHRASES) + r")\b", re.IGNORECASE)
_TYPED = ("bias", "strong", "misogyny", "lgbtq", "appearance", "ableism", "racism", "socioeconomic")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    tagger = Tagger(default_config())
    chosen: list[dict] = []
    rest: list[dict] = []
    for path in sorted(args.corpus.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for line, raw in enumerate(handle, 1):
                record = json.loads(raw)
                title, text = record.get("title") or "", record.get("text") or ""
                tags = tagger.tag(text, title or None, "reddit", record.get("community"))
                why = ("kept" if tags.relevant else "net" if BROAD_NET.search(f"{title}\n{text}")
                       or any(code in tags.terms for code in _TYPED) else None)
                post = {"source": path.name, "line": line, "id": record.get("id"), "why": why,
                        "community": record.get("community"), "kind": record.get("kind", "post"),
                        "title": title, "text": text}
                (chosen if why else rest).append(post)
    sampler = random.Random(SEED)
    for post in sampler.sample(rest, round(REST_SHARE * len(rest))):
        post["why"] = "random"
        chosen.append(post)
    sampler.shuffle(chosen)  # batches mix sources and reasons, so no batch is all of one kind
    batches = args.out / "batches"
    batches.mkdir(parents=True, exist_ok=True)
    number, size, posts = 1, 0, []
    with open(args.out / "selection.jsonl", "w", encoding="utf-8") as selection:
        for post in chosen:
            selection.write(json.dumps({k: post[k] for k in ("source", "line", "id", "why")}) + "\n")
            posts.append(post)
            size += len(post["title"]) + len(post["text"])
            if size >= BATCH_CHARS or len(posts) >= BATCH_POSTS:
                _write(batches / f"{number:03d}.jsonl", posts)
                number, size, posts = number + 1, 0, []
    if posts:
        _write(batches / f"{number:03d}.jsonl", posts)
    print(f"{len(chosen)} posts selected ({len(rest)} outside the net, {round(REST_SHARE * len(rest))} of them "
          f"sampled) in {number} batches under {batches}")


def _write(path: Path, posts: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for post in posts:
            handle.write(json.dumps({"key": f"{post['source']}:{post['line']}",
                                     **{k: post[k] for k in ("community", "kind", "title", "text")}},
                                    ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

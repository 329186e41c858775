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

_BROAD_WORDS = r"""
discriminat\w* bias\w* prejudic\w* stereotyp\w* bigot\w* racis\w* racial\w* race ethnic\w* sexis\w*
misogyn\w* misandr\w* homophob\w* transphob\w* \w*phobic ableis\w* classis\w* fatphob\w* slur\w*
offensive derogatory demean\w* degrad\w* belittl\w* insult\w* harass\w* creep\w* objectif\w*
assault\w* grop\w* non-?con\w* consent\w* unwanted pronoun\w* misgender\w* deadnam\w* he/him she/her
they/them nonbinary non-binary enby gender\w* trans transgender transsexual ftm mtf queer gay\w*
lesbian\w* bisexual\w* bi lgbt\w* sapphic asexual aro ace sexuality orientation femboy\w* tomboy\w*
woman women girl girls female\w* feminin\w* feminis\w* masculin\w* male males man men boy boys wife
husband sexual\w* black white asian\w* latin[oax]\w* hispanic\w* mexican\w* indian\w* african\w*
arab\w* muslim\w* jew\w* christian\w* religio\w* chinese japanese korean\w* filipin\w* immigrant\w*
foreign\w* accent\w* skin tan tanned colou?r(?:ed)? exotic n-?word nword disab\w* wheelchair\w*
autis\w* adhd deaf blind disorder\w* retard\w* cripple\w* handicap\w* neurodiverg\w* schizo\w*
bipolar fat fatter fatty chubby obese overweight skinny thin weight body bodies ugly looks appearance
height short tall curvy thick poor poverty rich wealth\w* class peasant\w* homeless trailer ghetto
money afford\w* persona identity identif\w* rude mock\w* shame\w* shaming disgust\w* hateful hate
toxic abus\w* bully\w* humiliat\w*
""".split()
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

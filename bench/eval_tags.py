"""How well relevance holds on real posts and on the written sets, measured honestly.

    python bench/eval_tags.py                          # every figure in the README's table
    python bench/eval_tags.py --corpus ../shared/corpora/wild -v
    python bench/eval_tags.py --set tests/data/eval_tags.jsonl   # one labelled set, shipped model

Real posts (labels/wild.jsonl over ../shared/corpora/wild), split by source: a model is trained on
the labelled posts of some sources plus the written sets, its thresholds chosen on cross-validated
scores of those training posts only, and it then screens every post of the other sources (10,000
for r/replika + r/CharacterAI), none of which it has seen. Posts of a test source that were
not labelled (four fifths of those outside the labelling net) count as not complaints: a random
fifth of them was read and held none. Both directions are run.

Written sets (tests/data/eval_tags*.jsonl): each is screened by a model trained without it (on
all real posts and the other written sets), with the shipped thresholds, beside the lexicon rule
of plaint 0.1 (a companion text with a bias word, a "!" term, or a type term and a complaint word).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from plaint.config import default_config
from plaint.evaluate import Evaluation, read_labelled, score_judgements, work_saved
from plaint.filters.relevance import Judgement, Screen
from plaint.filters.tagging import Tagger
from plaint.screening import training
from plaint.screening.training import Example

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "labels" / "wild.jsonl"
WRITTEN = sorted((ROOT / "tests" / "data").glob("eval_tags*.jsonl"))
CORPUS = ROOT.parent / "shared" / "corpora" / "wild"
QUAINT = ("reddit_quaint-sudo_ai-companion-tracker_replika.jsonl",
          "reddit_quaint-sudo_ai-companion-tracker_CharacterAI_part3.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--set", type=Path, help="only this labelled set, with the shipped model")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every text judged wrongly")
    args = parser.parse_args()
    config = default_config()
    if args.set:
        result = score_set(Screen(config), read_labelled(args.set))
        print_evaluation(str(args.set), result, args.verbose)
        return
    tagger = Tagger(config)
    wild = training.wild_examples(LABELS, args.corpus)
    written = training.written_examples(WRITTEN)
    for name, test_sources in (("test: r/replika and r/CharacterAI (quaint-sudo)", set(QUAINT)),
                               ("test: the other sources (hopeshub, Surfrrosa, bodenmoraski, ituethoslab)",
                                {e.source for e in wild} - set(QUAINT))):
        train = [e for e in wild if e.source not in test_sources]
        trained = training.train(train + written, tagger, [True] * len(train) + [False] * len(written))
        screen = Screen(replace(config, screening=replace(config.screening, **vars(trained.thresholds))),
                        trained.model)
        labels = {e.key: e for e in wild if e.source in test_sources}
        report_split(name, screen, trained, args.corpus, sorted(test_sources), labels, args.verbose)
    print("\nwritten sets: each screened by a model trained without it, shipped thresholds")
    for path in WRITTEN:
        others = [e for e in written if e.source != path.stem]
        trained = training.train(wild + others, tagger, [True] * len(wild) + [False] * len(others))
        screen = Screen(config, trained.model)
        rows = read_labelled(path)
        result = score_set(screen, rows)
        print_evaluation(path.name, result, args.verbose)
        chinese = [r for r in rows if any("\u4e00" <= ch <= "\u9fff" for ch in r["text"])]
        print_line("  of it, Chinese", score_set(screen, chinese))
        print_line("  the lexicon rule of 0.1", lexicon_rule(tagger, rows))
        print_line("  the lexicon rule of 0.1, Chinese", lexicon_rule(tagger, chinese))


def report_split(name: str, screen: Screen, trained: training.Trained, corpus: Path, sources: list[str],
                 labels: dict[str, Example], verbose: bool) -> None:
    rows, judgements = [], []
    for source in sources:
        with open(corpus / source, encoding="utf-8") as handle:
            for line, raw in enumerate(handle, 1):
                post = json.loads(raw)
                key = f"{source}:{line}"
                label = labels.get(key)
                body = post.get("text") or ""
                body = "" if body.strip() in ("[removed]", "[deleted]") else body
                rows.append({"id": key, "text": body, "title": post.get("title"), "platform": "reddit",
                             "community": post.get("community"), "relevant": bool(label and label.relevant),
                             "labelled": label is not None, "types": list(label.types) if label else [],
                             "strategies": list(label.strategies) if label else [],
                             "doubtful": bool(label and label.doubtful)})
                judgements.append(screen.judge(body, post.get("title"), "reddit", post.get("community"),
                                               explain=True))
    result = score_judgements(rows, judgements)
    print(f"\n{name}: {len(rows)} posts, {sum(r['relevant'] for r in rows)} complaints "
          f"(thresholds from training: complaint {trained.thresholds.complaint}, review {trained.thresholds.review})")
    print_evaluation("  all complaints", result, verbose)
    sure = [i for i, r in enumerate(rows) if not r["doubtful"]]
    print_line("  sure complaints only (doubtful ones left out)",
               score_judgements([rows[i] for i in sure], [judgements[i] for i in sure]))
    lexicon = lexicon_rule(screen.tagger, rows)
    print_line("  the lexicon rule of 0.1", lexicon)
    review = result.tiers.get("review", 0)
    print(f"  review tier: {review} posts, {review / len(rows):.1%} of all; first pass let through "
          f"{sum(j.score is not None for j in judgements) / len(rows):.1%}")
    wss = work_saved([r["relevant"] for r in rows], [j.score for j in judgements])
    print(f"  work saved over random order at 95% recall (WSS@95): "
          f"{'not reached (complaints stopped by the first pass)' if wss is None else f'{wss:.3f}'}")
    unlabelled = [r["id"] for r, j in zip(rows, judgements, strict=True) if j.kept and not r["labelled"]]
    print(f"  kept posts that were never labelled (counted as not complaints): {len(unlabelled)}")
    if verbose:
        for key in unlabelled:
            print(f"    {key}")


def score_set(screen: Screen, rows: list[dict[str, Any]]) -> Evaluation:
    judgements = [screen.judge(r["text"], r.get("title"), r.get("platform"), r.get("community"), explain=True)
                  for r in rows]
    return score_judgements(rows, judgements)


def lexicon_rule(tagger: Tagger, rows: list[dict[str, Any]]) -> Evaluation:
    """plaint 0.1's relevance: a companion text that the lexicons call a complaint of bias."""
    judgements = []
    for r in rows:
        tags = tagger.tag(r["text"], r.get("title"), r.get("platform"), r.get("community"))
        judgements.append(Judgement("complaint" if tags.companion and tags.bias else "dropped", None, tags))
    return score_judgements(rows, judgements)


def print_line(title: str, result: Evaluation) -> None:
    c, k = result.complaint, result.kept
    print(f"{title}: complaint tier P {c.precision:.3f} R {c.recall:.3f} (tp {c.tp}, fp {c.fp}, fn {c.fn}); "
          f"complaint+review P {k.precision:.3f} R {k.recall:.3f} (tp {k.tp}, fp {k.fp}, fn {k.fn})")


def print_evaluation(title: str, result: Evaluation, verbose: bool) -> None:
    print_line(title, result)
    print(f"    types macro-F1 {result.types_macro_f1:.3f}, strategies macro-F1 {result.strategies_macro_f1:.3f} "
          "(lexicon suggestions, on the texts labelled relevant)")
    if verbose:
        for error in result.errors:
            print("    " + json.dumps(error, ensure_ascii=False))


if __name__ == "__main__":
    main()

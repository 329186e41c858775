"""The prescreen (plaint/prescreen.py) held to the full filters: it skips a record only when the
filters would store, erase and mark nothing of it, on every labelled text we have and on variants
of them (JSON escapes, case, full-width forms, traditional characters), in every format it reads."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import opencc
import pytest

from plaint.collectors.imports import RecordMapper, import_sources
from plaint.config import default_config
from plaint.manifest import build_manifest
from plaint.pipeline import Pipeline
from plaint.prescreen import STAGE, Prescreen, Skipped
from plaint.sorting import Sorter
from plaint.storage.database import Database
from plaint.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
WRITTEN = sorted((ROOT / "tests" / "data").glob("*.jsonl"))
WILD = ROOT.parent / "shared" / "corpora" / "wild"  # real posts: read when present, never copied here
_TO_TRADITIONAL = opencc.OpenCC("s2t")

Text = tuple[str, str, str | None]  # title, text, community


def written_texts() -> list[Text]:
    texts = []
    for path in WRITTEN:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((row.get("title") or "", row.get("text") or "", row.get("community")))
    return texts


def wild_texts() -> list[Text]:
    texts = []
    for path in sorted(WILD.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append((row.get("title") or "", row.get("text") or "", row.get("community")))
    return texts


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


VARIANTS: dict[str, Callable[[str], str]] = {
    "as written": lambda t: t, "upper case": str.upper, "full width": full_width,
    "traditional": _TO_TRADITIONAL.convert, "title case": str.title,
}


def submission(n: int, title: str, text: str, community: str | None, **fields: Any) -> dict[str, Any]:
    return {"id": f"s{n}", "name": f"t3_s{n}", "subreddit": community or "CharacterAI", "title": title,
            "selftext": text, "author": f"user{n}", "author_fullname": f"t2_u{n}", "created_utc": 1_760_000_000 + n,
            "subreddit_type": "public", "removed_by_category": None, "over_18": False, "quarantine": False,
            "locked": False, "score": 3, "num_comments": 1, "permalink": f"/r/x/comments/s{n}/t/",
            # What a real dump line carries around the text: a cross-post's own title and text
            # (never read), flairs and metadata whose names hold lexicon words.
            "crosspost_parent_list": [], "author_flair_text": "user", "link_flair_text": "Discussion",
            "treatment_tags": [], **fields}


def joined(title: str, text: Any) -> Any:
    return f"{title}\n{text}" if title and text else title or text


def comment(n: int, title: str, text: str, community: str | None, **fields: Any) -> dict[str, Any]:
    body = joined(title, text)
    return {"id": f"c{n}", "name": f"t1_c{n}", "link_id": "t3_s0", "parent_id": "t3_s0",
            "subreddit": community or "replika", "body": body, "author": f"user{n}",
            "created_utc": 1_760_000_000 + n, "score": 1, "permalink": f"/r/x/comments/s0/t/c{n}/", **fields}


def template(n: int, title: str, text: str, community: str | None, **fields: Any) -> dict[str, Any]:
    return {"platform": "reddit", "native_id": f"h{n}", "community": community or "", "title": title, "text": text,
            "author": f"user{n}", "created_at": "2026-10-02T21:14:00+08:00", **fields}


def xhs_note(n: int, title: str, text: str, community: str | None, **fields: Any) -> dict[str, Any]:
    return {"note_id": f"n{n}", "title": title, "desc": text, "nickname": f"user{n}", "user_id": f"u{n}",
            "time": 1_760_000_000_000 + n, "liked_count": "1.4万", "xsec_token": "x", **fields}


def tieba_comment(n: int, title: str, text: str, community: str | None, **fields: Any) -> dict[str, Any]:
    body = joined(title, text)
    return {"comment_id": f"c{n}", "note_id": "1", "tieba_name": "星野吧", "content": body,
            "user_nickname": f"user{n}", "publish_time": "2026-10-02 21:14", **fields}


FORMATS: dict[str, Callable[..., dict[str, Any]]] = {
    "reddit-dump-submissions": submission, "reddit-dump-comments": comment, "plaint-template": template,
    "mediacrawler-xhs-notes": xhs_note, "mediacrawler-tieba-comments": tieba_comment,
}


@pytest.fixture(scope="module")
def sorter() -> Sorter:
    return Sorter(default_config())


class Judge:
    """Each record both ways: through the prescreen, and through the mapper and every filter."""

    def __init__(self, sorter: Sorter, format_name: str) -> None:
        self.sorter = sorter
        self.format_name = format_name
        self.full = RecordMapper(Path("x.ndjson"), "ndjson", None, datetime.now(UTC))
        self.screened = RecordMapper(Path("x.ndjson"), "ndjson", None, datetime.now(UTC))
        self.screened.prescreen = sorter.prescreen
        self.skipped = 0

    def check(self, line: str) -> Skipped | None:
        """The prescreen's answer, after asserting that a skipped record leaves no trace."""
        mapped = self.screened.map_block([(1, line)])
        assert not mapped.problems or mapped.skipped == 0
        if not mapped.skipped:
            return None
        self.skipped += 1
        skipped = mapped.posts[0]
        assert isinstance(skipped, Skipped)
        full = self.full.map_block([(1, line)])
        assert not full.problems, (line[:200], full.problems)
        assert list(full.formats) == [self.format_name]
        for post in full.posts:
            assert skipped.kind == post.kind.value
            outcome = self.sorter.sort(post, Counter(), "test")
            assert outcome is None, (self.format_name, line[:300], outcome)
        return skipped


def lines(make: Callable[..., dict[str, Any]], texts: list[Text], variants: dict[str, Callable[[str], str]],
          ascii_only: bool) -> Iterator[str]:
    for n, (title, text, community) in enumerate(texts):
        for vary in variants.values():
            record = make(n, vary(title), vary(text), community)
            yield json.dumps(record, ensure_ascii=ascii_only) + "\n"


@pytest.mark.parametrize("format_name", FORMATS)
def test_never_skips_what_the_filters_would_keep_on_the_written_sets(sorter: Sorter, format_name: str) -> None:
    judge = Judge(sorter, format_name)
    texts = written_texts()
    assert len(texts) > 200
    for ascii_only in (True, False):  # \uXXXX escapes as the archive dumps write them, and raw UTF-8
        for line in lines(FORMATS[format_name], texts, VARIANTS, ascii_only):
            judge.check(line)
    assert judge.skipped > 0  # the comparison compared something


def test_never_skips_what_the_filters_would_keep_on_real_posts(sorter: Sorter) -> None:
    if not WILD.is_dir():
        pytest.skip("../shared/corpora/wild is not here")
    texts = wild_texts()
    checked = 0
    for format_name in ("reddit-dump-submissions", "reddit-dump-comments"):
        judge = Judge(sorter, format_name)
        for line in lines(FORMATS[format_name], texts, {"as written": VARIANTS["as written"]}, True):
            judge.check(line)
        checked += judge.skipped
        assert judge.skipped > len(texts) // 5
    # Variants of a sample: every tenth post, in every format.
    sample = texts[::10]
    for format_name, make in FORMATS.items():
        judge = Judge(sorter, format_name)
        for line in lines(make, sample, VARIANTS, False):
            judge.check(line)


def test_escaped_letters_and_keys_are_read_as_the_decoder_reads_them(sorter: Sorter) -> None:
    """A text written with every character escaped, and a key spelled with escapes, are the same
    record to the prescreen as to the mapper."""
    judge = Judge(sorter, "reddit-dump-submissions")
    record = submission(1, "My bot", "the bot said women are worse drivers", "CharacterAI")
    plain = json.dumps(record)
    escaped_text = "".join(f"\\u{ord(c):04x}" for c in record["selftext"])
    line = plain.replace(json.dumps(record["selftext"]), f'"{escaped_text}"')
    assert "women" not in line
    assert judge.check(line + "\n") is None
    keyed = plain.replace('"selftext"', '"\\u0073elftext"')
    assert judge.check(keyed + "\n") is None
    quiet = json.dumps(submission(2, "My bot", "it forgot my birthday again", "CharacterAI"))
    assert judge.check(quiet + "\n") is not None


GONE: dict[str, list[dict[str, Any]]] = {
    "reddit-dump-submissions": [{"selftext": "[deleted]"}, {"selftext": "[removed]"},
                                {"removed_by_category": "moderator"}, {"removed_by_category": "deleted"},
                                {"subreddit_type": "private"}, {"subreddit_type": "gold_restricted"},
                                {"quarantine": True}],
    "reddit-dump-comments": [{"body": "[deleted]"}, {"body": "[removed]"}, {"quarantined": True}],
    "plaint-template": [{"visibility": "private"}, {"visibility": "quarantined"}, {"visibility": "PRIVATE"}],
}


@pytest.mark.parametrize("format_name", GONE)
def test_a_record_that_erases_a_stored_copy_is_never_skipped(sorter: Sorter, format_name: str) -> None:
    judge = Judge(sorter, format_name)
    quiet = FORMATS[format_name](1, "Update", "it forgot my birthday again", "CharacterAI")
    assert judge.check(json.dumps(quiet) + "\n") is not None
    for fields in GONE[format_name]:
        line = json.dumps({**quiet, **fields}) + "\n"
        assert sorter.prescreen.skip(format_name, json.loads(line)) is None, fields
        assert judge.check(line) is None


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("age", ["I'm 15 and it forgot my birthday", "ｉ＇ｍ １５ and it forgot my birthday",
                                 "我今年十五歲，它又忘了我的生日", "(15f) it forgot my birthday"])
def test_a_stated_age_under_18_is_never_skipped(sorter: Sorter, format_name: str, age: str) -> None:
    record = FORMATS[format_name](1, "", age, "CharacterAI")
    assert sorter.prescreen.skip(format_name, record) is None


@pytest.mark.parametrize("format_name", FORMATS)
def test_bad_records_are_left_for_the_mapper_to_report(sorter: Sorter, format_name: str) -> None:
    make = FORMATS[format_name]
    text_field = {"reddit-dump-submissions": "selftext", "reddit-dump-comments": "body", "plaint-template": "text",
                  "mediacrawler-xhs-notes": "desc", "mediacrawler-tieba-comments": "content"}[format_name]
    for record in (make(1, "", "", None), make(1, "", ["not", "text"], None), make(1, "", 12, None),
                   make(1, "", "x" * 1_000_001, None)):
        assert sorter.prescreen.skip(format_name, record) is None
    id_field = {"reddit-dump-submissions": "id", "reddit-dump-comments": "link_id", "plaint-template": "platform",
                "mediacrawler-xhs-notes": "note_id", "mediacrawler-tieba-comments": "comment_id"}[format_name]
    record = make(1, "", "it forgot my birthday", None)
    assert record[text_field] == "it forgot my birthday"
    assert sorter.prescreen.skip(format_name, record) is not None
    assert sorter.prescreen.skip(format_name, {**record, id_field: ""}) is None


def test_a_record_of_another_format_than_the_one_read_is_mapped_in_full(sorter: Sorter) -> None:
    """The prescreen reads a record as the format the mapper would read it as, never another."""
    assert Prescreen(sorter.screen.tagger).skip("zeeschuimer-tiktok", {"data": {"desc": "x"}}) is None
    mapper = RecordMapper(Path("x.ndjson"), "ndjson", None, datetime.now(UTC))
    mapper.prescreen = sorter.prescreen
    quiet = submission(1, "Update", "it forgot my birthday again", "CharacterAI")
    mapped = mapper.map_block([(1, json.dumps(quiet) + "\n"),
                               (2, json.dumps(template(2, "", "it forgot my birthday again", None)) + "\n"),
                               (3, "{not json\n")])
    assert mapped.skipped == 2 and dict(mapped.formats) == {"reddit-dump-submissions": 1, "plaint-template": 1}
    assert [where for _, where, _ in mapped.problems] == ["line 3"]


def dump(path: Path) -> Path:
    """A Reddit dump of chatter and complaints, and later lines that delete, remove or hide posts
    stored earlier (with texts the prescreen would otherwise skip), a minor, a title-only post."""
    complaint = "My bot said women are too emotional to lead and called me hysterical. So sexist, I regenerated it."
    rows = []
    for n in range(300):
        if n % 10 == 0:
            rows.append(submission(n, "Bot was sexist", f"{complaint} ({n})", "CharacterAI"))
        elif n % 7 == 0:
            rows.append(comment(n, "", f"lol my bot wrote poem number {n} today", "CharacterAI"))
        else:
            rows.append(submission(n, f"Update {n}", f"it forgot my birthday again, day {n}", "CharacterAI"))
    rows.append(submission(301, "Pic of my rep", "", "replika"))  # a title and no text
    rows.append(submission(302, "Update", "I'm 15 and it keeps forgetting me", "CharacterAI"))
    # Seen again, now gone: their new texts hold no term, yet each erases the stored copy.
    rows.append(submission(10, "Bot was sexist", "[deleted]", "CharacterAI"))
    rows.append(submission(20, "edited", "nothing to see", "CharacterAI", removed_by_category="moderator"))
    rows.append(submission(30, "edited", "nothing to see", "CharacterAI", subreddit_type="private"))
    rows.append(submission(40, "edited", "nothing to see", "CharacterAI", quarantine=True))
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def import_into(db: Path, source: Path, prescreen: bool, workers: int = 0) -> tuple[dict, Any]:
    store = Store(Database(f"sqlite:///{db}"))
    summary = Pipeline(default_config(), store, workers=workers, prescreen=prescreen).run(
        import_sources([source]), command="import")
    with sqlite3.connect(db) as raw:
        tables = {
            "posts": raw.execute("select p.native_id, a.handle, p.title, p.text, p.duplicate_kind, p.tier, "
                                 "p.tombstoned_at is not null from posts p left join authors a on a.id = p.author_id "
                                 "order by p.id").fetchall(),
            "authors": raw.execute("select platform, handle, stated_minor, deleted_content from authors "
                                   "order by platform, handle").fetchall(),
        }
    return tables, summary


def test_an_import_stores_the_same_with_and_without_the_prescreen_and_counts_what_it_skipped(tmp_path: Path) -> None:
    source = dump(tmp_path / "RC_dump.ndjson")
    plain, plain_summary = import_into(tmp_path / "plain.db", source, prescreen=False)
    screened, summary = import_into(tmp_path / "screened.db", source, prescreen=True)
    assert screened == plain
    posts = {row[0]: row for row in plain["posts"]}
    assert all(posts[f"t3_s{n}"][6] for n in (10, 20, 30, 40))  # erased, though their new texts were skipped
    assert ("reddit", "user302", 1, 0) in plain["authors"]
    source_name = str(source)
    skipped = summary.total(STAGE)
    assert skipped > 200
    assert summary.total("found") == plain_summary.total("found") == 306
    assert summary.total("kept") == plain_summary.total("kept")
    assert summary.counts[(source_name, STAGE, "no bias or identity term")] == skipped
    info = summary.platforms[source_name].info
    assert info["skipped"] == skipped and info["records"] == 306
    assert info["title_only"] == plain_summary.platforms[source_name].info["title_only"] == 1
    assert plain_summary.total(STAGE) == 0
    # The export's manifest says how many records the prescreen skipped, and why.
    manifest = build_manifest(Database(f"sqlite:///{tmp_path / 'screened.db'}"), [], 0, _options(), "x.csv")
    assert manifest["flow"]["skipped_by_prescreen"] == skipped
    assert manifest["reasons"]["prescreen"] == {"no bias or identity term": skipped}


def _options() -> Any:
    from plaint.export import ExportOptions

    return ExportOptions()


def test_strict_imports_are_not_prescreened(tmp_path: Path) -> None:
    source = dump(tmp_path / "RC_dump.ndjson")
    summary = Pipeline(default_config(), Store(Database(f"sqlite:///{tmp_path / 'x.db'}"))).run(
        import_sources([source], strict=True), command="import")
    assert summary.total(STAGE) == 0 and summary.total("kept") > 0


def test_the_age_rules_quick_rejections_never_change_their_answer() -> None:
    """states_minor_age rejects most texts before its two searches (plaint/filters/tos.py): on
    every text we have, and on generated statements of ages, it answers as the searches do."""
    from itertools import product

    from plaint.filters.tos import reads_as_minor_age, states_minor_age

    texts = [f"{title}\n{text}" for title, text, _ in written_texts() + (wild_texts() if WILD.is_dir() else [])]
    before = ["", "I'm ", "im ", "i am only ", "I’m ", "i`m ", "Iʼm just ", "as a ", "I'm an ", "me (", "I (",
              "(", "\n", "[", "so ", "ver", "我今年", "我", "今年才", "本人"]
    numbers = ["4", "5", "9", "10", "15", "17", "18", "150", "１５", "十五", "v15", "2015", "15.5"]
    after = ["", "f", "F)", "m here", " y/o here", "-year-old", " years old", " messages in", "yo", ")", "岁",
             " k", "%", "m, hi", " here", "f.", "歲了"]
    generated = ["".join(parts) for parts in product(before, numbers, after)]
    assert any(states_minor_age(text) for text in generated)
    for text in texts + generated + [full_width(text) for text in generated] + [text.upper() for text in generated]:
        assert states_minor_age(text) == reads_as_minor_age(text), text

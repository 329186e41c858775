"""The prescreen: records of an import that need not become Posts, because the filters would store,
erase or mark nothing of them.

Why: most records of an archive dump name no bias word, discrimination type or identity term (or
are not about an AI companion at all), so the relevance filter's first pass drops them. Turning
each into a Post and running the terms-of-service filter over it first cost a worker about half
its time per record. The prescreen reads only what decides that outcome, right after the line is
decoded (orjson undoes the `\\uXXXX` escapes; a raw-line scan would have to find top-level keys
among nested copies of them, such as a cross-post's own title, and could not tell a valid line
from a broken one):

- the text fields the record's format maps into the post (a Reddit submission's `title` and
  `selftext`, a comment's `body`, the template's `title` and `text`, MediaCrawler's `title`,
  `desc`, `content` …), read by the same rules, joined and normalised as the relevance filter does
  (NFKC, so full-width forms; lower case; simplified Chinese);
- the first pass's own lexicon (`Tagger.first_pass_reason`): a record is skipped only when none
  of the terms the first pass needs can match, so no record the first pass lets through, and no
  record of any tier, is ever skipped;
- the fields that make the terms-of-service filter erase a stored copy (deleted, removed, not
  public, quarantined: such a record is never skipped, whatever its text), and the age rules (a
  text whose author states an age under 18 is never skipped: it marks the author as a minor);
- what the mapper reports as a bad record in these fields (no id, a text that is not a string, no
  text and no title, a text too long): such a record is left to the mapper, which reports it.

Other fields of a skipped record are not read, so a malformed date or count in a record the
filters would have dropped anyway is not reported, and it is not counted as dated ahead. Skipped
records are counted as found (by kind) and in their own stage, `prescreen`, with the first pass's
reason. `--strict` imports do not prescreen: they must see every bad record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plaint import platforms
from plaint.collectors.imports.readers import MAX_TEXT_CHARS
from plaint.collectors.imports.values import BadRecord, prose, required, text
from plaint.collectors.reddit import created_of, visibility_of
from plaint.filters.tagging import Tagger
from plaint.filters.tos import states_minor_age
from plaint.post import Kind, Visibility
from plaint.text import normalize_text

STAGE = "prescreen"  # the run's counts: (source, "prescreen", the first pass's reason)
_GONE_BODIES = ("[deleted]", "[removed]")
_FIT_VISIBILITIES = (Visibility.PUBLIC, Visibility.UNKNOWN)  # unknown: archive dumps are public by route
_KINDS = {kind.value for kind in Kind}


@dataclass(frozen=True)
class Fields:
    """What the prescreen reads of a record: the post's platform, community, kind, title, text."""

    platform: str
    community: str | None
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class Skipped:
    """A record the prescreen skipped, in the place of its post: the Sorter counts it, stores
    nothing. (`created_at` as a Post has it, for the run's newest date: unknown.)"""

    kind: str
    reason: str
    title_only: bool  # a title and no text (counted on the file's summary line, as for posts)
    created_at: None = None


Reader = Callable[[dict[str, Any]], Fields | None]  # None: the record must be mapped in full


def _string(value: Any) -> str:
    """A Reddit text field as its mapper reads it; anything but a string or null is a bad record."""
    if value is None or isinstance(value, str):
        return value or ""
    raise BadRecord("not text")


def _reddit_submission(record: dict[str, Any]) -> Fields | None:
    if not record.get("id"):
        return None
    title, body = _string(record.get("title")), _string(record.get("selftext"))
    if record.get("removed_by_category") is not None or body in _GONE_BODIES:
        return None  # deleted or removed: any stored copy must be erased
    if visibility_of(record) not in _FIT_VISIBILITIES:
        return None  # private or quarantined: the same
    created_of(record)  # a date the mapper cannot read makes a bad record
    community = record["subreddit"]
    return Fields("reddit", None if community is None else str(community), Kind.POST.value, title, body)


def _reddit_comment(record: dict[str, Any]) -> Fields | None:
    if not record.get("id") or not record.get("link_id"):
        return None
    body = _string(record.get("body"))
    if body in _GONE_BODIES or record.get("quarantined"):
        return None
    created_of(record)
    return Fields("reddit", str(record.get("subreddit") or "") or None, Kind.COMMENT.value, "", body)


def _template(record: dict[str, Any]) -> Fields | None:
    platform = required(record, "platform").strip().lower()
    if platforms.get(platform) is None:
        return None
    if (text(record, "visibility").lower() or "public") != Visibility.PUBLIC.value:
        return None  # private, quarantined, or a value the mapper reports
    kind = text(record, "kind").lower() or Kind.POST.value
    if kind not in _KINDS:
        return None
    return Fields(platform, text(record, "community") or None, kind, prose(record, "title"), prose(record, "text"))


def _mediacrawler(platform: str, kind: Kind, ids: tuple[str, ...], title: tuple[str, ...],
                  body: tuple[str, ...], community: str | None = None) -> Reader:
    """A MediaCrawler format's reader: its ids (the mapper requires them), title and text fields
    (the first non-empty of each, as the mapper reads them), community field. Its records are
    public by what MediaCrawler exports."""

    def read(record: dict[str, Any]) -> Fields | None:
        for name in ids:
            required(record, name)
        return Fields(platform, (text(record, community) or None) if community else None, kind.value,
                      prose(record, *title) if title else "", prose(record, *body))

    return read


def _zhihu_content(record: dict[str, Any]) -> Fields | None:
    kind = text(record, "content_type") or "answer"
    fields = _mediacrawler("zhihu", Kind.POST, ("content_id",), ("title",), ("content_text", "desc"))(record)
    assert fields is not None
    return Fields(fields.platform, None, (Kind.ANSWER if kind == "answer" else Kind.VIDEO if kind == "zvideo"
                                          else Kind.POST).value, fields.title, fields.text)


READERS: dict[str, Reader] = {
    "reddit-dump-submissions": _reddit_submission,
    "reddit-dump-comments": _reddit_comment,
    "plaint-template": _template,
    "mediacrawler-xhs-notes": _mediacrawler("xiaohongshu", Kind.NOTE, ("note_id",), ("title",), ("desc",)),
    "mediacrawler-xhs-comments": _mediacrawler("xiaohongshu", Kind.COMMENT, ("note_id", "comment_id"), (),
                                               ("content",)),
    "mediacrawler-weibo-notes": _mediacrawler("weibo", Kind.POST, ("note_id",), (), ("content",)),
    "mediacrawler-weibo-comments": _mediacrawler("weibo", Kind.COMMENT, ("note_id", "comment_id"), (),
                                                 ("content",)),
    "mediacrawler-tieba-notes": _mediacrawler("tieba", Kind.POST, ("note_id",), ("title",), ("desc",),
                                              "tieba_name"),
    "mediacrawler-tieba-comments": _mediacrawler("tieba", Kind.COMMENT, ("note_id", "comment_id"), (),
                                                 ("content",), "tieba_name"),
    "mediacrawler-zhihu-contents": _zhihu_content,
    "mediacrawler-zhihu-comments": _mediacrawler("zhihu", Kind.COMMENT, ("content_id", "comment_id"), (),
                                                 ("content",)),
    "mediacrawler-douyin-videos": _mediacrawler("douyin", Kind.VIDEO, ("aweme_id",), (), ("desc", "title")),
    "mediacrawler-douyin-comments": _mediacrawler("douyin", Kind.COMMENT, ("aweme_id", "comment_id"), (),
                                                  ("content",)),
}


class Prescreen:
    """Decides, per record of a known format, whether the filters would leave no trace of it.

    Built from the run's own Tagger, so it reads the same lexicons as the first pass it stands in
    for (an import's worker processes use their own Sorter's)."""

    def __init__(self, tagger: Tagger) -> None:
        self.tagger = tagger

    def handles(self, format_name: str) -> bool:
        return format_name in READERS

    def skip(self, format_name: str, record: dict[str, Any]) -> Skipped | None:
        """A Skipped for a record the filters would store nothing of (nor erase, nor mark);
        None for every other, which is then mapped and filtered in full."""
        reader = READERS.get(format_name)
        if reader is None:
            return None
        try:
            fields = reader(record)
        except (BadRecord, KeyError, TypeError, ValueError, AttributeError, ArithmeticError, OSError):
            return None  # the mapper reports it
        if fields is None:
            return None
        title, body = fields.title, fields.text
        if not (title.strip() or body.strip()) or len(title) + len(body) > MAX_TEXT_CHARS:
            return None  # a bad record: "no text and no title", or too long
        joined = f"{title}\n{body}" if title and body else title or body
        reason = self.tagger.first_pass_reason(normalize_text(joined), fields.platform, fields.community)
        if reason is None or states_minor_age(joined):
            return None
        return Skipped(fields.kind, reason, not body.strip())

"""Authors who asked to be forgotten stay forgotten.

`plaint forget` erases an author's posts and keeps only their keyed pseudonym (HMAC, as for the
do-not-contact list: it cannot be turned back into a handle). A later post by that author, found
by a scrape, an import or `plaint add`, is still stored, so the corpus keeps its text and its id
stops it coming back, but without the author: no author row, handle, profile or post URL (on some
platforms the URL names the author), and never a candidate. Each such post is counted in its run.

The pseudonym depends on the key: a run under another key would not recognise anyone, so it is
refused rather than letting forgotten authors back in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plaint.errors import ConfigError
from plaint.post import Annotations, Author, Post
from plaint.pseudonym import Pseudonymiser, load_pseudonymiser
from plaint.storage.database import Database, describe
from plaint.storage.models import ForgottenAuthorRow

FORGOTTEN = "author asked to be forgotten"  # the no_contact reason of their later posts
STAGE, OUTCOME = "forgotten", "stored without the author"


def key_check(pseudonym: Pseudonymiser) -> str:
    return pseudonym.check


def remember(session: Session, pseudonym: Pseudonymiser, platform: str, handle: str, now: datetime) -> None:
    """Put an author on the list (once), in the caller's transaction."""
    key = pseudonym.author(platform, handle)
    if session.get(ForgottenAuthorRow, key) is None:
        session.add(ForgottenAuthorRow(author_key=key, key_check=key_check(pseudonym), forgotten_at=now))


class Forgotten:
    """The forgotten authors of one database, read once a run, and the rule for their posts."""

    def __init__(self, keys: frozenset[str], pseudonym: Pseudonymiser | None) -> None:
        self.keys = keys
        self.pseudonym = pseudonym

    @classmethod
    def load(cls, session: Session, pseudonym: Callable[[], Pseudonymiser], where: str) -> Forgotten:
        """The list; the key is loaded only if someone is on it, and must be the one they were
        forgotten with."""
        keys = frozenset(session.scalars(select(ForgottenAuthorRow.author_key)))
        if not keys:
            return cls(keys, None)
        key = pseudonym()
        other = session.scalar(select(func.count()).select_from(ForgottenAuthorRow).where(
            ForgottenAuthorRow.key_check.is_not(None), ForgottenAuthorRow.key_check != key_check(key)))
        if other:
            raise ConfigError(f"{where}: {other} author(s) were forgotten under another pseudonym key than "
                              f"{key.source}, and would not be recognised; nothing was stored. Set PLAINT_SECRET or "
                              "PLAINT_KEY_FILE to the key they were forgotten with")
        return cls(keys, key)

    def __contains__(self, author: Author | None) -> bool:
        return (author is not None and self.pseudonym is not None
                and self.pseudonym.author(author.platform, author.handle) in self.keys)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def apply(self, kept: Sequence[tuple[Post, Annotations]], minors: Sequence[Author]
              ) -> tuple[Sequence[tuple[Post, Annotations]], Sequence[Author], int]:
        """A batch as it is stored: forgotten authors' posts without them, and no author row for
        a forgotten minor; and how many posts were stored without their author."""
        if not self.keys:
            return kept, minors, 0
        stripped = [self.strip(post, notes) if post.author in self else None for post, notes in kept]
        return ([new or old for new, old in zip(stripped, kept, strict=True)],
                [author for author in minors if author not in self], sum(new is not None for new in stripped))

    @staticmethod
    def strip(post: Post, notes: Annotations) -> tuple[Post, Annotations]:
        """The post without what leads to its author, and never to be contacted."""
        provenance = post.provenance
        if post.url and provenance.request_url == post.url:  # `plaint add URL` fetched or named the post's page
            provenance = dataclasses.replace(provenance, request_url=None)
        return (dataclasses.replace(post, author=None, url=None, provenance=provenance),
                dataclasses.replace(notes, no_contact=FORGOTTEN))


class ForgottenList:
    """The forgotten authors of a Store's database, read once a run: a forget holds the run lock,
    so none is added meanwhile. A run's start reads them afresh, and a forget drops what was read."""

    def __init__(self, database: Database, pseudonym: Pseudonymiser | None = None) -> None:
        """`pseudonym`: the key forgotten authors are recognised by (default: load_pseudonymiser,
        read only if the database has forgotten anyone)."""
        self.database = database
        self._pseudonym = pseudonym
        self._forgotten: Forgotten | None = None

    def current(self) -> Forgotten:
        """The list, read now if it has not been since the last reset."""
        if self._forgotten is None:
            with self.database.session() as session:
                self._forgotten = Forgotten.load(session, lambda: self._pseudonym or load_pseudonymiser(),
                                                 describe(self.database.url))
        return self._forgotten

    def reset(self) -> None:
        """Forget what was read: the next `current` reads the list again."""
        self._forgotten = None

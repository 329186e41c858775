"""Contact status rows: an author's current status, its time-stamped history, the do-not-contact list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plaint.errors import ConfigError
from plaint.storage.database import Database
from plaint.storage.models import AuthorRow, ContactEventRow, DoNotContactRow

DO_NOT_CONTACT = "do-not-contact"


def find_authors(database: Database, platform: str | None, handle: str) -> list[tuple[int, str, str]]:
    """(id, platform, handle) of stored authors with this handle (case-insensitive), on one platform or any."""
    with database.session() as session:
        query = select(AuthorRow.id, AuthorRow.platform, AuthorRow.handle).where(
            AuthorRow.handle.ilike(handle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"),
                                   escape="\\"))
        if platform:
            query = query.where(AuthorRow.platform == platform)
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def record_status(database: Database, author_id: int | None, author_key: str, status: str,
                  note: str | None, key_check: str | None = None) -> None:
    """Set the status (if the author is stored) and log it, in one transaction."""
    with database.session() as session, session.begin():
        if author_id is not None:
            session.get_one(AuthorRow, author_id).contact_status = status
        log_status(session, author_id, author_key, status, note, key_check)


def log_status(session: Session, author_id: int | None, author_key: str, status: str, note: str | None,
               key_check: str | None = None) -> None:
    """Append to the author's history; for do-not-contact, add the keyed pseudonym (and the
    key's check) to the list that no purge removes."""
    now = datetime.now(UTC)
    session.add(ContactEventRow(author_id=author_id, author_key=author_key, status=status, note=note, at=now))
    if status == DO_NOT_CONTACT and session.get(DoNotContactRow, author_key) is None:
        session.add(DoNotContactRow(author_key=author_key, added_at=now, key_check=key_check))


def history(database: Database, author_key: str) -> list[dict[str, Any]]:
    with database.session() as session:
        events = session.scalars(select(ContactEventRow).where(ContactEventRow.author_key == author_key)
                                 .order_by(ContactEventRow.at, ContactEventRow.id))
        return [{"at": e.at.isoformat(), "status": e.status, "note": e.note} for e in events]


def do_not_contact_keys(database: Database, key_check: str) -> set[str]:
    """The list, read with a key whose check is `key_check`. A list made with another key would
    recognise no one on it, and do-not-contact is forever: that is refused, never ignored."""
    with database.session() as session:
        other = session.scalar(select(func.count()).select_from(DoNotContactRow).where(
            DoNotContactRow.key_check.is_not(None), DoNotContactRow.key_check != key_check))
        if other:
            raise ConfigError(f"{other} author(s) are on the do-not-contact list under another pseudonym key than "
                              "this one, and would not be recognised; nobody is listed. Set PLAINT_SECRET or "
                              "PLAINT_KEY_FILE to the key they were listed with")
        return set(session.scalars(select(DoNotContactRow.author_key)))

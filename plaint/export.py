"""The corpus file a study analyses: one row per kept post, authors as keyed pseudonyms.

A plain hash of a public id can be reversed by hashing every handle, so pseudonyms are
HMAC-SHA256 with a secret kept outside the corpus: `$PLAINT_SECRET`, or a key file created on
first use (0600). The same secret gives the same pseudonyms in every export, so a team can join
files; without it nobody can go back from a pseudonym to a handle.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plaint.errors import ConfigError
from plaint.storage.database import Database
from plaint.storage.models import PostRow
from plaint.storage.readout import corpus

MIN_SECRET_LENGTH = 16
CODER_COLUMNS = ("code_types", "code_strategies", "coder_notes")
COLUMNS = ("post_id", "platform", "kind", "community", "created_at", "language", "title", "text",
           "author", "types", "strategies", "score", "num_comments", "copies", "copy_post_ids",
           "route") + CODER_COLUMNS
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def default_key_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "plaint" / "pseudonym.key"


@dataclass(frozen=True)
class Pseudonymiser:
    secret: bytes
    source: str
    created: bool = False

    def __call__(self, kind: str, *parts: str) -> str:
        """A stable pseudonym such as `a_3f9c…` for an author or `p_…` for a post."""
        message = "\x1f".join((kind,) + parts).encode("utf-8")
        return f"{kind}_{hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:20]}"


def load_pseudonymiser() -> Pseudonymiser:
    """The secret from `$PLAINT_SECRET`, else the key file (`$PLAINT_KEY_FILE` or ~/.config/plaint)."""
    env = os.environ.get("PLAINT_SECRET")
    if env is not None:
        if len(env) < MIN_SECRET_LENGTH:
            raise ConfigError(f"PLAINT_SECRET is shorter than {MIN_SECRET_LENGTH} characters; use a long "
                              "random value (for example: python -c 'import secrets; print(secrets.token_hex(32))')")
        return Pseudonymiser(env.encode("utf-8"), "PLAINT_SECRET")
    path = Path(os.environ.get("PLAINT_KEY_FILE") or default_key_file())
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if len(key) < MIN_SECRET_LENGTH:
            raise ConfigError(f"{path}: the pseudonym key is shorter than {MIN_SECRET_LENGTH} characters")
        return Pseudonymiser(key.encode("ascii"), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return Pseudonymiser(key.encode("ascii"), str(path), created=True)


def export_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(f"{path}: cannot tell the format from the suffix; use .csv or .jsonl")
    return fmt


def corpus_rows(database: Database, pseudonym: Pseudonymiser) -> Iterator[dict[str, Any]]:
    for row, copies in corpus(database):
        yield _row(row, copies, pseudonym)


def _row(row: PostRow, copies: list[tuple[str, str]], pseudonym: Pseudonymiser) -> dict[str, Any]:
    author = pseudonym("a", row.author.platform, row.author.handle) if row.author else None
    return {
        "post_id": pseudonym("p", row.platform, row.native_id),
        "platform": row.platform,
        "kind": row.kind,
        "community": row.community,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "language": row.language,
        "title": row.title,
        "text": row.text,
        "author": author,
        "types": list(row.types),
        "strategies": list(row.strategies),
        "score": row.score,
        "num_comments": row.num_comments,
        "copies": len(copies),
        "copy_post_ids": [pseudonym("p", platform, native_id) for platform, native_id in copies],
        "route": row.route,
        **{column: "" for column in CODER_COLUMNS},
    }


def write_corpus(database: Database, out: Path, pseudonym: Pseudonymiser) -> int:
    """Write the corpus to `out` (CSV or JSONL by suffix); returns the number of rows.

    The file is written next to its final name and moved into place, so a failed export never
    leaves half a file where a finished one was.
    """
    fmt = export_format(out)
    partial = out.with_name(out.name + ".partial")
    count = 0
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        if fmt == "csv":
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for row in corpus_rows(database, pseudonym):
                writer.writerow({**row, **{name: "; ".join(row[name])
                                           for name in ("types", "strategies", "copy_post_ids")}})
                count += 1
        else:
            for row in corpus_rows(database, pseudonym):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    partial.replace(out)
    return count

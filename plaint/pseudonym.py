"""Keyed pseudonyms for authors and posts.

A plain hash of a public id can be reversed by hashing every handle, so pseudonyms are
HMAC-SHA256 with a secret kept outside the corpus: `$PLAINT_SECRET`, or a key file created on
first use (0600). The same secret gives the same pseudonyms in every export, so a team can join
files; without it nobody can go back from a pseudonym to a handle. The do-not-contact list is
kept in the same form.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from plaint.errors import ConfigError

MIN_SECRET_LENGTH = 16


def default_key_file() -> Path:
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "plaint" / "pseudonym.key"


@dataclass(frozen=True)
class Pseudonymiser:
    secret: bytes
    source: str
    created: bool = False

    def __call__(self, kind: str, *parts: str) -> str:
        """A stable pseudonym: `kind_` and 20 hex digits of the HMAC of the parts."""
        message = "\x1f".join((kind, *parts)).encode("utf-8")
        return f"{kind}_{hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:20]}"

    def author(self, platform: str, handle: str) -> str:
        """`a_…`; handles compare case-insensitively, as platforms treat them."""
        return self("a", platform, handle.lower())

    def post(self, platform: str, native_id: str) -> str:
        """`p_…`: a stable id for a post that does not lead back to it."""
        return self("p", platform, native_id)

    @property
    def check(self) -> str:
        """What the key gives for a fixed text: the same key, the same check. Lists kept by
        pseudonym (do-not-contact, forgotten authors) store it, so that a key that is not theirs is
        refused rather than silently recognising no one on them. (The text is the one the
        forgotten-authors list was first checked with.)"""
        return self("k", "plaint forgotten authors")


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
    key = secrets.token_hex(32)
    made = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        made = True
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
    except OSError as exc:  # a read-only home, a full disk: no key, rather than half of one
        if made:
            with contextlib.suppress(OSError):
                path.unlink()
        raise ConfigError(f"cannot create the pseudonym key file {path} ({exc.strerror or exc}); set PLAINT_KEY_FILE "
                          "to a file in a folder you can write, or PLAINT_SECRET") from None
    return Pseudonymiser(key.encode("ascii"), str(path), created=True)

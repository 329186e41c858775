"""Shared test setup: real SQLite files in a temporary folder, no network, no user files touched."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from plaint.config import Config, default_config
from plaint.storage.database import Database
from plaint.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
RECORDINGS = ROOT.parent / "shared" / "recordings"
sys.path.insert(0, str(ROOT / "scripts"))  # the cassette builder doubles as a fixture writer


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in its own folder, with no credentials and its own pseudonym key."""
    for name in ("PLAINT_DB", "PLAINT_KEYWORDS", "PLAINT_SECRET", "REDDIT_CLIENT_ID",
                 "REDDIT_CLIENT_SECRET", "REDDIT_USER_AGENT", "praw_client_id", "praw_client_secret"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PLAINT_KEY_FILE", str(tmp_path / "keys" / "pseudonym.key"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # no praw.ini of the machine's user
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def config() -> Config:
    return default_config()


PG_URL = os.environ.get("PLAINT_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A fresh database: a SQLite file, and the same tests again on PostgreSQL when
    PLAINT_TEST_PG_URL names a server (.ci/run starts one)."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'plaint.db'}")
    else:
        if not PG_URL:
            pytest.skip("PLAINT_TEST_PG_URL is not set")
        reset_postgresql(PG_URL)
        db = Database(PG_URL)
    yield db
    db.close()


def reset_postgresql(url: str) -> None:
    """Drop everything plaint made, so each test starts from an empty database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("drop schema public cascade"))
        connection.execute(text("create schema public"))
    engine.dispose()


@pytest.fixture
def store(database: Database) -> Store:
    return Store(database)


@pytest.fixture
def recordings() -> Path:
    """The real captured responses in ../shared/recordings; tests that need them skip without."""
    if not RECORDINGS.is_dir():
        pytest.skip("../shared/recordings is not here")
    return RECORDINGS


ROOT_USER = os.geteuid() == 0


@pytest.fixture
def plaint_process(tmp_path: Path):
    """`plaint ARGS` in a process of its own, in the test's folder (a finished process has closed
    its database, as a finished run has), optionally under a wrapper command."""
    import subprocess

    env = {**os.environ, "PLAINT_KEY_FILE": str(tmp_path / "keys" / "pseudonym.key"), "TYPER_USE_RICH": "0"}

    def run(*args: str, wrapper: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        return subprocess.run([*wrapper, sys.executable, "-m", "plaint.cli", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    return run


@pytest.fixture
def read_only(tmp_path: Path, plaint_process):
    """A real read-only folder, and a way to run `plaint` with it read-only.

    For an ordinary user the folder is chmod 0555. Root writes through any mode bits, so for root
    the command runs in a private mount namespace where the folder is bound read-only (the kernel
    then refuses every write with EROFS); where that cannot be set up the test is skipped."""
    import shutil
    import subprocess

    folder = tmp_path / "read-only"
    folder.mkdir()
    wrapper: tuple[str, ...] = ()
    if ROOT_USER:
        if not shutil.which("unshare"):
            pytest.skip("running as root, where chmod does not stop writes, and unshare is not here")
        wrapper = ("unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"',
                   str(folder))
        probe = subprocess.run([*wrapper, "sh", "-c", 'touch "$0/probe"', str(folder)], capture_output=True)
        if probe.returncode == 0 or (folder / "probe").exists():
            pytest.skip("running as root, where chmod does not stop writes, and the read-only bind mount let one in")
        if b"Read-only file system" not in probe.stderr:
            pytest.skip(f"running as root, and a read-only bind mount is refused: {probe.stderr.decode().strip()}")

    def run(*args: str) -> subprocess.CompletedProcess:
        if not ROOT_USER:
            folder.chmod(0o555)
        try:
            return plaint_process(*args, wrapper=wrapper)
        finally:
            folder.chmod(0o755)

    run.folder = folder  # type: ignore[attr-defined]
    return run

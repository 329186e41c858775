"""How a run lives as a process: one at a time per database, and a clean stop on a signal.

The lock: for a SQLite file, a file beside it (`plaint.db.lock`) held with flock. The operating
system releases it when the process ends, however it ends, so a killed run never leaves a stale
lock behind. The stop: SIGTERM or Ctrl-C asks the pipeline to finish the batch it is on and end;
a second one stops at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

from plaint.errors import PlaintError
from plaint.storage.failures import explain, watch


class LockHeld(PlaintError):
    """Another plaint run is writing to this database."""


class RunLock:
    """The run lock. On PostgreSQL it is one advisory lock per name the run gives (its platforms),
    so a team's scrapes of different platforms may write at once, and two of the same may not."""

    def __init__(self, database_url: str, names: tuple[str, ...] = ("plaint",)) -> None:
        self.url = database_url
        self.names = tuple(sorted(set(names)))
        self.path: Path | None = None
        if database_url.startswith("sqlite:///"):
            self.path = Path(database_url[len("sqlite:///"):] + ".lock")
        self._handle: IO[str] | None = None
        self._connection: tuple[Engine, Connection] | None = None

    def __enter__(self) -> RunLock:
        if self.path is None:
            if self.url.startswith("postgresql"):
                self._advisory_locks()
            return self
        try:
            handle = open(self.path, "a+", encoding="ascii")
        except OSError as exc:  # a read-only folder: nothing is written, and the run does not start
            raise explain(exc, self.url) or exc from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LockHeld(f"another plaint run ({holder}) is writing to this database ({self.path}); "
                           "this one stops without touching it") from None
        with contextlib.suppress(OSError):  # who holds it, for the next run's message; a full disk may refuse
            os.ftruncate(handle.fileno(), 0)
            os.pwrite(handle.fileno(), f"pid {os.getpid()}\n".encode("ascii"), 0)
        self._handle = handle
        return self

    def _advisory_locks(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        watch(engine, self.url)  # a server that does not answer is one line, not a traceback
        try:
            connection = engine.connect()
        except PlaintError:
            engine.dispose()
            raise
        taken: list[str] = []
        for name in self.names:
            got = connection.execute(text("select pg_try_advisory_lock(hashtext(:name))"),
                                     {"name": f"plaint:{name}"}).scalar()
            if not got:
                for held in taken:
                    connection.execute(text("select pg_advisory_unlock(hashtext(:name))"), {"name": f"plaint:{held}"})
                connection.close()
                engine.dispose()
                raise LockHeld(f"another plaint run is writing {name} to this database; this one stops without "
                               "touching it")
            taken.append(name)
        self._connection = (engine, connection)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._connection is not None:
            engine, connection = self._connection
            connection.close()  # advisory locks end with their session
            engine.dispose()
            self._connection = None
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


@contextlib.contextmanager
def stop_on_signals(pipeline: Any, notice: Callable[[], None] | None = None) -> Iterator[None]:
    """While inside, SIGTERM and SIGINT set `pipeline.stop_requested` (and call `notice`, which
    tells the person at the terminal that a second one stops at once); the second one raises
    KeyboardInterrupt, which the pipeline answers by marking the run interrupted (during a write,
    once the write commits: a transaction cut in half could keep the database locked). Once a stop was
    asked for, later signals are ignored: the process is only reporting and exiting."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

    def ask_to_stop(signum: int, frame: Any) -> None:
        if pipeline.stop_requested:
            if getattr(pipeline, "writing", False):
                pipeline.stop_now = True  # raised as soon as the transaction in hand commits
                return
            raise KeyboardInterrupt
        pipeline.stop_requested = True
        if notice is not None:
            notice()

    for sig in previous:
        signal.signal(sig, ask_to_stop)
    try:
        yield
    finally:
        # A stop asked for: the run has ended, and one more signal in the moment before the process
        # exits (printing its summary) must not turn a clean stop into a traceback.
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_IGN if pipeline.stop_requested else handler)

"""SQLite's WAL checkpoints, run beside the writers instead of inside a commit.

In WAL mode with ``synchronous = NORMAL`` a commit appends to the write-ahead log and does
not wait for the disk; the log reaches the disk (fsync) when a checkpoint copies it into the
database file. SQLite runs that checkpoint itself inside the commit that fills the log past
1,000 pages, so one note in a few hundred waits for two fsyncs, and until then a power cut
can take every commit since the last one, however long ago.

A :class:`Checkpointer` runs a passive checkpoint on a thread of its own shortly after
commits (``CHECKPOINT_DELAY_S``, coalescing a burst): the log is on disk within moments of
a commit, and the commit itself returns without an fsync. SQLite's own checkpoint at 1,000
pages stays as the backstop; it finds the log already copied and has little left to do.
A passive checkpoint never blocks a writer or a reader, and a checkpoint that another
process is running already makes this one a no-op.
"""

from __future__ import annotations

import atexit
import sqlite3
import threading
import weakref
from pathlib import Path

# How long after a commit the checkpoint runs: commits within it share one.
CHECKPOINT_DELAY_S = 0.02
# How long the thread waits for another commit before it ends (a later one starts it again).
IDLE_S = 5.0


class Checkpointer:
    """Checkpoints the SQLite database at ``path`` soon after each :meth:`poke`."""

    def __init__(self, path: Path, *, delay_s: float = CHECKPOINT_DELAY_S) -> None:
        self.path = path
        self.delay_s = delay_s
        self.checkpoints = 0  # how many ran
        self._ran = threading.Condition()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()  # the running thread's
        _open.add(self)

    def poke(self) -> None:
        """Say that a commit happened: a checkpoint follows within ``delay_s``."""
        with self._lock:
            if _exiting:
                return
            self._wake.set()
            # after a fork the parent's thread does not run here: is_alive() says so
            if self._thread is None or not self._thread.is_alive():
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=self._run,
                    args=(self._stop,),
                    name=f"checkpoint {self.path.name}",
                    daemon=True,
                )
                self._thread.start()

    def close(self) -> None:
        """Stop the thread, after the checkpoint it may be running (the next poke starts
        another)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _run(self, stop: threading.Event) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while not stop.is_set():
                if not self._wake.wait(IDLE_S):
                    with self._lock:
                        if not self._wake.is_set():  # no poke came while deciding
                            if self._thread is threading.current_thread():
                                self._thread = None
                            return
                    continue
                with self._lock:
                    self._wake.clear()
                # commits within the delay share the checkpoint; close() cuts it short
                if stop.wait(self.delay_s):
                    return
                conn = self._checkpoint(conn)
        finally:
            if conn is not None:
                conn.close()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` checkpoints have run (at most ``timeout`` seconds); whether
        they have. For tests, which must not guess with a sleep."""
        with self._ran:
            return self._ran.wait_for(lambda: self.checkpoints >= count, timeout)

    def _checkpoint(self, conn: sqlite3.Connection | None) -> sqlite3.Connection | None:
        """One passive checkpoint; the connection to use for the next."""
        try:
            if conn is None:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            # the file went away or is busy with a checkpoint of its own: the next commit's
            # checkpoint (or SQLite's own at 1,000 pages) does the work
            return conn
        with self._ran:
            self.checkpoints += 1
            self._ran.notify_all()
        return conn


_open: weakref.WeakSet[Checkpointer] = weakref.WeakSet()


_exiting = False


@atexit.register
def _close_all() -> None:
    global _exiting
    _exiting = True
    # before the interpreter stops daemon threads: no checkpoint is cut off, and the last
    # connection to close checkpoints and removes the log as SQLite does
    for checkpointer in list(_open):
        checkpointer.close()

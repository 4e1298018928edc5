"""Writing an output file (``-o``) so that it cannot destroy data.

Every command that writes a file goes through :func:`write_output`. It refuses the
database in use (any path that leads to it, also through a symbolic or hard link, and its
``-wal``, ``-shm`` and ``-journal`` files) and anything that is not a regular file or a new
path (a folder, a FIFO, a device); it writes a temporary file beside the target and renames
it into place, so a half-written file never replaces a good one. An existing file keeps its
mode; a new one gets the user's umask, except personal data (backups, exports), which is
always 0600.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from granskning.domain.errors import InputError
from granskning.domain.i18n import _

# SQLite files of the databases opened by this process (see Store): never an output.
_protected: set[Path] = set()
_SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal")

Writer = Callable[[Path], None]


def protect(database: Path) -> None:
    """Refuse ``database`` (and its -wal/-shm/-journal files) as an output from now on."""
    _protected.add(Path(os.path.realpath(database)))


def _is_protected(target: Path) -> bool:
    try:
        info: os.stat_result | None = os.stat(target)
    except OSError:
        info = None
    for db in _protected:
        for suffix in _SQLITE_SIDE_FILES:
            side = Path(f"{db}{suffix}")
            if side == target:
                return True
            if info is not None:
                # a hard link (or another name of the same file) is the same file
                with contextlib.suppress(OSError):
                    other = os.stat(side)
                    if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
                        return True
    return False


def check_output(path: str | Path, *, option: str = "-o") -> Path:
    """The file an output will replace (symbolic links followed), or an InputError naming
    ``path``: empty, a folder, a missing folder, not a regular file, the database in use.

    :param option: how the user named the path, for messages.
    """
    if str(path) == "":
        raise InputError(_("{option}: give a file name").format(option=option))
    given = str(path)
    target = Path(os.path.realpath(os.path.expanduser(given)))
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(
            _("{option} {path}: cannot write ({error})").format(
                option=option, path=given, error=exc.strerror
            )
        ) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(
            _("{option} {path}: is a folder; give a file name").format(option=option, path=given)
        )
    if not target.parent.is_dir():
        raise InputError(
            _("{option} {path}: the folder {folder} does not exist").format(
                option=option, path=given, folder=target.parent
            )
        )
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(
            _(
                "{option} {path}: not a regular file (a device, a pipe or a socket); "
                "give the name of a file"
            ).format(option=option, path=given)
        )
    if _is_protected(target):
        raise InputError(
            _("{option} {path}: that is the database in use; write somewhere else").format(
                option=option, path=given
            )
        )
    return target


def write_output(
    path: str | Path,
    content: bytes | Writer,
    *,
    private: bool = False,
    option: str = "-o",
) -> Path:
    """Write ``content`` to ``path`` atomically, after :func:`check_output`.

    :param content: the bytes, or a function that writes the file at the path it is given
        (it exists and is empty).
    :param private: personal data: the file is 0600 whatever the umask or an old file's mode.
    :returns: the file written (symbolic links followed).
    """
    target = check_output(path, option=option)
    try:
        mode: int | None = 0o600 if private else stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None  # a new file: 0o666 minus the umask, as any new file
    tmp = target.parent / f".{target.name[:200]}.{secrets.token_hex(4)}.part"
    try:
        try:
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600
            )
            try:
                if isinstance(content, bytes):
                    view = memoryview(content)
                    while view:
                        view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            if not isinstance(content, bytes):
                content(tmp)
            if mode is not None:
                os.chmod(tmp, mode)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            # the database may have appeared at this name meanwhile (a rename is not undone)
            check_output(path, option=option)
            os.replace(tmp, target)
        except OSError as exc:
            raise InputError(
                _("{option} {path}: cannot write ({error})").format(
                    option=option, path=path, error=exc.strerror or exc
                )
            ) from None
        _fsync_folder(target.parent)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


__all__ = ["check_output", "protect", "write_output"]

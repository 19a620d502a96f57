"""Files that hold patient data: created owner-only (0600, folders 0700), written whole or not
at all, and no temporary copy left behind by an interrupted writer.

A file is written under a hidden temporary name beside its final one and renamed into place at
the end. The writer holds a lock on its temporary file while it works; the next writer into the
same folder deletes every temporary file whose lock is free, i.e. whose writer was killed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TEMP_PREFIX = ".yibao-partial-"


def private_text(path: Path, bom: bool = False) -> IO[str]:
    """A new text file (UTF-8; ``bom``: with a byte-order mark, so Excel on Chinese Windows
    reads it as UTF-8, not GBK) only its owner can read; an existing file is an error."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return open(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")


def create_private(path: Path) -> bool:
    """Create ``path`` empty and owner-only unless it exists; True if it was created."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return False
    return True


def _lock(fd: int) -> bool:
    """Take the writer's lock on ``fd`` without waiting; False if another process holds it."""
    if sys.platform == "win32":
        return True  # Windows refuses to delete a file another process has open
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def sweep(folder: Path) -> None:
    """Delete the temporary files that killed writers left in ``folder``."""
    for stale in folder.glob(TEMP_PREFIX + "*"):
        try:
            fd = os.open(stale, os.O_RDONLY)
        except OSError:
            continue
        try:
            if _lock(fd):
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        except OSError:
            pass  # still open elsewhere (Windows), or gone already
        finally:
            os.close(fd)


@contextmanager
def staged(final: Path) -> Iterator[Path]:
    """A private temporary path beside ``final`` to write; on success it becomes ``final``
    (replacing it), on any error or interruption it is deleted."""
    sweep(final.parent)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=final.suffix, dir=final.parent)
    tmp = Path(name)
    try:
        _lock(fd)
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


@contextmanager
def staged_folder(final: Path) -> Iterator[Path]:
    """``staged`` for a folder: a private (0700) hidden folder that becomes ``final``."""
    sweep(final.parent)
    tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=final.parent))
    fd = os.open(tmp, os.O_RDONLY)
    try:
        _lock(fd)
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        os.close(fd)

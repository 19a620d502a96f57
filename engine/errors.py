"""Errors a user can act on; front ends show them without a traceback (exit status 2)."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Sequence


class UserError(Exception):
    """Bad input or a request that cannot be done; the message says what and where."""


class ImportRejected(UserError):
    """A data package that cannot be stored.

    ``problems`` are what the import found (``engine.ingest.problems.Problem``: file, row,
    column, a code and its values, said in zh or en), or plain ``file:row:column: reason``
    texts from a plug-in's adapter. ``errors`` are their English texts; the message (what the
    command line prints) says each in Chinese, then English."""

    def __init__(self, problems: Sequence[object], total: int):
        self.problems = list(problems)
        self.errors = [_render(p, "en") for p in self.problems]
        self.total = total
        shown = "\n".join(str(p) for p in self.problems)
        more = ""
        if total > len(self.problems):
            rest = total - len(self.problems)
            more = f"\n……另有 {rest} 处错误 | … and {rest} more errors"
        super().__init__(
            f"导入被拒绝，未写入任何数据（{total} 处错误） | import rejected, nothing written"
            f" ({total} errors):\n{shown}{more}"
        )

    def lines(self, lang: str = "zh") -> list[str]:
        """Each problem's ``file:row:column: reason`` in ``lang``."""
        return [_render(p, lang) for p in self.problems]


def _render(problem: object, lang: str) -> str:
    render = getattr(problem, "render", None)
    return render(lang) if render else str(problem)


class Cancelled(Exception):
    """Long work stopped by the user through its cancel token."""


def storage_error(exc: BaseException, path: str | os.PathLike) -> UserError | None:
    """What a full disk or a damaged file means for the user, from the error it raised."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        code &= 0xFF  # the primary code of an extended one
    if code == sqlite3.SQLITE_FULL or getattr(exc, "errno", None) == errno.ENOSPC:
        target = getattr(exc, "filename", None) or path  # an OS error names its own file
        return UserError(
            f"disk full (磁盘已满): cannot write {target}; nothing was changed. Free some space"
            " and try again"
        )
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return UserError(f"{path} is damaged ({exc}); restore the workspace from a copy")
    if code == sqlite3.SQLITE_IOERR:
        return UserError(f"cannot read or write {path}: {exc} (is the disk full or removed?)")
    return None

"""Progress reporting and cancellation for long engine work (import, audit, settle)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from engine.errors import Cancelled

#: progress(stage, done, total) — total is 0 when unknown.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    """The default: report nothing."""


class CancelToken:
    """Set from any thread (the desktop's cancel button); the engine checks it between chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user")


NEVER = CancelToken()

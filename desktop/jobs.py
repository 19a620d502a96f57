"""Long engine work on a worker thread, with progress and cancel; the UI thread never blocks."""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

from engine.errors import Cancelled, ImportRejected, UserError
from engine.progress import CancelToken, Progress


class Job(QThread):
    """Runs ``work(progress, cancel)`` on its own thread and reports back by signals.

    ``succeeded(result)``, ``failed(message, errors)`` (errors: the ``file:row:column:
    reason`` lines of a rejected import) and ``cancelled()`` arrive on the UI thread."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str, list)
    cancelled = Signal()

    def __init__(self, work: Callable[[Progress, CancelToken], object], parent=None):
        super().__init__(parent)
        self.work = work
        self.token = CancelToken()

    def run(self) -> None:
        try:
            result = self.work(self.progressed.emit, self.token)
        except Cancelled:
            self.cancelled.emit()
        except ImportRejected as exc:
            self.failed.emit(str(exc).splitlines()[0], list(exc.errors))
        except UserError as exc:
            self.failed.emit(str(exc), [])
        except Exception:  # noqa: BLE001 — shown to the user instead of killing the thread
            self.failed.emit(traceback.format_exc(limit=3), [])
        else:
            self.succeeded.emit(result)

    def cancel(self) -> None:
        self.token.cancel()

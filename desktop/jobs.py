"""Long engine work on a worker thread, with progress and cancel; the UI thread never blocks.

Jobs that write a workspace go through that workspace's ``JobQueue``: one runs at a time, the
others wait their turn (shown, cancellable), so an import and an audit never contend for the
file. Readers (counts, exports) run at once beside them: SQLite's WAL lets them read.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from engine import Cancelled, CancelToken, ImportRejected, Progress, UserError


class Job(QThread):
    """Runs ``work(progress, cancel)`` on its own thread and reports back by signals.

    ``succeeded(result)``, ``failed(message, errors)`` (errors: the problems of a rejected
    import, ``engine.ingest.problems.Problem`` to show in either language) and ``cancelled()`` arrive on the UI thread, then
    ``ended()``: QThread's ``finished`` passed on by the UI thread after the job's other
    signals, and ``ended_already`` is true from then on (so a caller that arrives late knows
    it need not wait)."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str, list)
    cancelled = Signal()
    ended = Signal()

    def __init__(
        self, work: Callable[[Progress, CancelToken], object], title: str = "", parent=None
    ):
        super().__init__(parent)
        self.work = work
        self.title = title
        self.token = CancelToken()
        self.ended_already = False
        self.finished.connect(self._end)

    def _end(self) -> None:
        self.ended_already = True
        self.ended.emit()

    def run(self) -> None:
        try:
            self.token.check()  # cancelled while it waited in the queue
            result = self.work(self.progressed.emit, self.token)
        except Cancelled:
            self.cancelled.emit()
        except ImportRejected as exc:
            self.failed.emit(str(exc).splitlines()[0], list(exc.problems))
        except UserError as exc:
            self.failed.emit(str(exc), [])
        except Exception:  # noqa: BLE001 — shown to the user instead of killing the thread
            self.failed.emit(traceback.format_exc(limit=3), [])
        else:
            self.succeeded.emit(result)

    def cancel(self) -> None:
        self.token.cancel()


class JobQueue(QObject):
    """The writing jobs of one workspace, run one after another in the order they came.

    A job submitted here starts on a later turn of the event loop, after whatever is running
    ends, so a caller can still connect to its signals. ``changed`` fires whenever the queue's
    content changes (the window lists it)."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.running: Job | None = None
        self.waiting: list[Job] = []

    def submit(self, job: Job) -> Job:
        self.waiting.append(job)
        job.ended.connect(lambda j=job: self._ended(j))
        self.changed.emit()
        QTimer.singleShot(0, self._next)
        return job

    def jobs(self) -> list[Job]:
        """The running job first, then the waiting ones in order."""
        return ([self.running] if self.running is not None else []) + list(self.waiting)

    def cancel(self, job: Job) -> None:
        """Cancel a job: a waiting one leaves the queue at once (it still reports ``cancelled``)."""
        job.cancel()
        if job in self.waiting:
            self.waiting.remove(job)
            job.start()  # ends at once: its token is cancelled, the work never runs
            self.changed.emit()

    def _next(self) -> None:
        if self.running is not None or not self.waiting:
            return
        self.running = self.waiting.pop(0)
        self.running.start()
        self.changed.emit()

    def _ended(self, job: Job) -> None:
        if job is self.running:
            self.running = None
            self.changed.emit()
            self._next()

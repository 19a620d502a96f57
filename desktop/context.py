"""What every page shares: the open workspace, the reviewer, the queue of writing jobs, and one
signal, ``workspace_changed``, on which every page shows the workspace afresh."""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QThread, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from desktop.jobs import Job, JobQueue
from engine import (
    UserError,
    Workspace,
    label,
    live_reader,
    load_plugins,
    load_rulebook,
    set_passphrase_prompt,
)


class WhenShown(QObject):
    """Runs ``slot`` now, or — for a widget hidden in a shown window — the next time the widget
    is shown (an event filter on it): work nobody can see waits until someone looks."""

    def __init__(self, widget, slot):
        super().__init__(widget)
        self.widget, self.slot, self.pending = widget, slot, False
        widget.installEventFilter(self)

    def __call__(self, now: bool = False) -> None:
        if now or self.widget.isVisible() or not self.widget.window().isVisible():
            self.pending = False
            self.slot()
        else:
            self.pending = True

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Show and self.pending:
            self.pending = False
            self.slot()
        return False


class Context(QObject):
    #: Another workspace was opened, or anything in it changed (an import, audit, settlement,
    #: decision, setting): every page refreshes on this one signal.
    workspace_changed = Signal()
    #: Writing jobs were queued, started or ended (any workspace).
    queue_changed = Signal()
    #: The plug-ins were loaded again (one installed, a workspace rule set saved).
    plugins_reloaded = Signal()

    def __init__(self, settings: QSettings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.path: Path | None = None
        self.reader: sqlite3.Connection | None = None  # for the pages' tables (UI thread)
        self.jobs: set = set()
        self.queues: dict[Path, JobQueue] = {}
        self.lang = "zh"  # the UI's language for coded values (engine.labels): "zh" or "en"
        self._eager = False  # another workspace: every page refreshes at once
        self._plugins = self._rulebook = None  # loaded once, until plug-ins change
        set_passphrase_prompt(self.ask_passphrase)
        self._names: dict | None = None  # rule code → {lang: name}

    def label(self, kind: str, value) -> str:
        """A coded value as a word in the UI's language."""
        return label(kind, value, self.lang)

    def plugins(self):
        """The plug-ins in use: one set for the whole window, loaded at first use and again
        only by ``plugins_changed``, handed to each job, so no page loads them itself, on
        the UI thread or off it."""
        if self._plugins is None:
            self._plugins = load_plugins()
        return self._plugins

    def rulebook(self):
        """The rule sets of the plug-ins in use (``engine.load_rulebook``), parsed once."""
        if self._rulebook is None:
            self._rulebook = load_rulebook(self.plugins())
        return self._rulebook

    @property
    def data_changed(self):
        """The same signal as ``workspace_changed`` (its older name)."""
        return self.workspace_changed

    def on_change(self, page, slot, *, holds_rows: bool = True) -> None:
        """Call ``slot`` whenever the workspace changes: at once when ``page`` can be seen (or
        no window is shown), else when it is next shown, so a decision on a big workspace
        does not wait for pages nobody is looking at. Opening or closing a workspace refreshes
        every page that ``holds_rows`` at once (their rows belong to the connection that
        goes); a page that only reads a figure (the years a workspace has claims in: a scan
        of every claim) waits until it is shown."""
        later = WhenShown(page, slot)
        self.workspace_changed.connect(lambda: later(self._eager and holds_rows))

    def rule_name(self, code: str | None) -> str:
        """The name of the rule with ``code`` in the UI's language ("" if unknown)."""
        if self._names is None:
            self._names = {}
            for rule in self.rulebook().rules():
                self._names.setdefault(rule.code, rule.name)
        names = self._names.get(code) or {}
        return names.get(self.lang) or names.get("zh", "")

    def coded_rule(self, code: str | None) -> str:
        """A rule code with its name beside it: ``GZ10000204001000 分解住院``."""
        return f"{code} {self.rule_name(code)}".strip() if code else ""

    def plugins_changed(self) -> None:
        """Load the plug-ins again (the next ``plugins()`` does), then every page shows them."""
        self._plugins = self._rulebook = self._names = None
        self.plugins_reloaded.emit()
        self.changed()

    @property
    def reviewer(self) -> str:
        return str(self.settings.value("reviewer", "") or getpass.getuser())

    def ask_passphrase(self, path: Path, new: bool) -> str | None:
        """The passphrase dialog of an encrypted workspace (asked on the UI thread, when it
        is opened; the jobs' threads then reuse the key the engine remembers)."""
        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return None
        label = self.tr("新工作区的密码：") if new else self.tr("工作区已加密，请输入密码：")
        title, echo = self.tr("工作区密码"), QLineEdit.EchoMode.Password
        text, ok = QInputDialog.getText(None, title, f"{label}\n{path}", echo)
        if not (ok and text):
            return None
        if new:
            again, ok = QInputDialog.getText(None, title, self.tr("再输入一次："), echo)
            if not ok or again != text:
                raise UserError(self.tr("两次输入的密码不一致"))
        return text

    def open_workspace(self, path: str | Path, create: bool = True, encrypt: bool = False) -> None:
        """Open (or create) a workspace: migrations run here, then a reader for the tables.
        ``encrypt``: create it encrypted (the passphrase dialog asks)."""
        path = Path(path)
        with Workspace.open(path, create=create, encrypt=encrypt):
            pass
        if self.reader is not None:
            self.reader.close()
        self.path = path
        # never in a transaction, so each query sees the latest data
        self.reader = live_reader(path)
        recent = [str(path)] + [p for p in self.recent() if p != str(path)]
        self.settings.setValue("recent", recent[:8])
        self._emit_eagerly()

    def recent(self) -> list[str]:
        value = self.settings.value("recent", []) or []
        return [value] if isinstance(value, str) else list(value)

    def workspace(self) -> Workspace:
        """A connection of its own for engine calls on the current thread."""
        assert self.path is not None
        return Workspace.open(self.path, create=False)

    def _emit_eagerly(self) -> None:
        self._eager = True
        try:
            self.workspace_changed.emit()
        finally:
            self._eager = False

    def changed(self) -> None:
        """Something in the workspace changed: every page shows it afresh."""
        self.workspace_changed.emit()

    def queue(self, path: Path | None = None) -> JobQueue:
        """The queue of writing jobs of the workspace at ``path`` (default: the open one)."""
        path = Path(path or self.path)
        if path not in self.queues:
            queue = self.queues[path] = JobQueue(self)
            queue.changed.connect(self.queue_changed)
        return self.queues[path]

    def busy(self) -> bool:
        """A writing job of the open workspace is running or waiting."""
        return self.path is not None and bool(self.queue().jobs())

    def queued(self) -> list[Job]:
        """Every writing job, running or waiting, of every workspace."""
        return [job for queue in self.queues.values() for job in queue.jobs()]

    def start(
        self,
        work,
        progress_row,
        *,
        succeeded,
        failed,
        cancelled=None,
        button=None,
        title: str = "",
        writes: Path | None | bool = True,
    ) -> Job:
        """Run ``work(progress, cancel)`` on a worker thread, wired to a page's progress row
        (and its start button, disabled meanwhile); the job is tracked until it finishes.

        A job that ``writes`` (True: the open workspace; or a workspace's path) waits its turn
        in that workspace's queue; ``writes=False`` (a reader) starts at once."""
        job = Job(work, title)
        job.succeeded.connect(succeeded)
        job.failed.connect(failed)
        if cancelled is not None:
            job.cancelled.connect(cancelled)
        if button is not None:
            button.setEnabled(False)
            job.ended.connect(lambda: button.setEnabled(True))
        self.track(job)
        if writes is False:
            if progress_row is not None:
                progress_row.attach(job)
            job.start()
        else:
            queue = self.queue(None if writes is True else writes)
            busy = queue.running is not None or bool(queue.waiting)
            if progress_row is not None:
                progress_row.attach(job, waiting=busy, cancel=queue.cancel)
            queue.submit(job)
        return job

    def track(self, job) -> None:
        """Keep a job alive and known, so closing the window can wait for it."""
        self.jobs.add(job)
        job.ended.connect(lambda j=job: self.jobs.discard(j))

    def cancel(self, job: Job) -> None:
        """Cancel a job, running or waiting in its queue."""
        for queue in self.queues.values():
            if job in queue.jobs():
                queue.cancel(job)
                return
        job.cancel()

    def stop_jobs(self) -> None:
        """Cancel every job (waiting ones never run) and wait for the running ones."""
        for queue in self.queues.values():
            for job in list(queue.waiting):
                queue.cancel(job)
        for job in list(self.jobs):
            job.cancel()
            if job.wait(60_000):
                self.jobs.discard(job)

    def close(self) -> None:
        self.stop_jobs()
        set_passphrase_prompt(None)  # no dialog of a closed window
        reader, self.reader, self.path = self.reader, None, None
        if reader is not None:
            self._emit_eagerly()  # the pages let go of the reader's rows
            reader.close()

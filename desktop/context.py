"""What every page shares: the open workspace, the reviewer, and a signal when data changes."""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from desktop.jobs import Job
from engine.workspace import Workspace


class Context(QObject):
    workspace_changed = Signal()
    data_changed = Signal()  # after an import, audit, settlement or decision

    def __init__(self, settings: QSettings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.path: Path | None = None
        self.reader: sqlite3.Connection | None = None  # for the pages' tables (UI thread)
        self.jobs: set = set()
        self._rules = None  # (plug-ins, rule catalogue), loaded once until plug-ins change

    def rules(self):
        """The plug-ins and their rule catalogue (parsed once; ``plugins_changed`` reloads)."""
        if self._rules is None:
            from engine.plugins import load_plugins
            from engine.rules.audit import load_catalog

            plugins = load_plugins()
            self._rules = (plugins, load_catalog(plugins))
        return self._rules

    def plugins_changed(self) -> None:
        self._rules = None
        self.changed()

    @property
    def reviewer(self) -> str:
        return str(self.settings.value("reviewer", "") or getpass.getuser())

    def open_workspace(self, path: str | Path, create: bool = True) -> None:
        """Open (or create) a workspace: migrations run here, then a reader for the tables."""
        path = Path(path)
        with Workspace.open(path, create=create):
            pass
        if self.reader is not None:
            self.reader.close()
        self.path = path
        self.reader = sqlite3.connect(path)
        self.reader.execute("PRAGMA query_only=ON")
        recent = [str(path)] + [p for p in self.recent() if p != str(path)]
        self.settings.setValue("recent", recent[:8])
        self.workspace_changed.emit()

    def recent(self) -> list[str]:
        value = self.settings.value("recent", []) or []
        return [value] if isinstance(value, str) else list(value)

    def workspace(self) -> Workspace:
        """A connection of its own for engine calls on the current thread."""
        assert self.path is not None
        return Workspace.open(self.path, create=False)

    def changed(self) -> None:
        if self.reader is not None:
            self.reader.rollback()
        self.data_changed.emit()

    def start(
        self,
        work,
        progress_row,
        *,
        succeeded,
        failed,
        cancelled=None,
        button=None,
    ) -> Job:
        """Run ``work(progress, cancel)`` on a worker thread, wired to a page's progress row
        (and its start button, disabled meanwhile); the job is tracked until it finishes."""
        job = Job(work)
        job.succeeded.connect(succeeded)
        job.failed.connect(failed)
        if cancelled is not None:
            job.cancelled.connect(cancelled)
        if button is not None:
            button.setEnabled(False)
            job.finished.connect(lambda: button.setEnabled(True))
        progress_row.attach(job)
        self.track(job)
        job.start()
        return job

    def track(self, job) -> None:
        """Keep a running job alive and known, so closing the window can wait for it."""
        self.jobs.add(job)
        job.finished.connect(lambda j=job: self.jobs.discard(j))

    def stop_jobs(self) -> None:
        for job in list(self.jobs):
            job.cancel()
            if job.wait(60_000):
                self.jobs.discard(job)

    def close(self) -> None:
        self.stop_jobs()
        if self.reader is not None:
            self.reader.close()
            self.reader = None

"""The peak memory of a process tree, sampled while work runs.

``getrusage`` gives one process's peak and the largest child's: summed, they overstate a tree
whose workers peak at different moments, and miss two workers that peak together. This samples
the resident set of this process and every descendant (Linux ``/proc``) every few
milliseconds and keeps the largest sum seen. Elsewhere it returns None and the bench falls back
to ``getrusage``.

The sampler is a process of its own, not a thread: a thread would take turns with the work
for the interpreter, and a second thread makes the engine start its workers from a fork
server (``engine.processes.context``), so the bench would time something users do not run.
"""

from __future__ import annotations

import os
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from engine import processes

PROC = Path("/proc")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tree_rss_bytes(root: int, leave_out: int | None = None) -> int:
    """RSS of ``root`` and its descendants now (processes that end meanwhile are skipped),
    without ``leave_out`` (the sampler)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: fields follow the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        rss[pid] = int(statm.split()[1]) * PAGE
    total, todo = 0, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        if pid == leave_out:
            continue
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def _sample(root: int, interval: float, stop: Connection) -> None:
    """In the sampler: the largest RSS of ``root``'s tree until told to stop, sent back.
    A Ctrl-C is the measured process's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    me, peak = os.getpid(), 0
    while True:
        peak = max(peak, tree_rss_bytes(root, me))
        if stop.poll(interval):
            break
    stop.send(max(peak, tree_rss_bytes(root, me)))


class TreePeak:
    """``with TreePeak() as peak: …`` then ``peak.mb``: the largest RSS of the tree sampled."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self.supported = (PROC / str(os.getpid()) / "statm").exists()
        self._process = None
        self._pipe: Connection | None = None

    def __enter__(self) -> TreePeak:
        if self.supported:
            context = processes.context()
            self._pipe, theirs = context.Pipe()
            self._process = context.Process(
                target=_sample, args=(os.getpid(), self.interval, theirs), daemon=True
            )
            self._process.start()
            theirs.close()
        return self

    def __exit__(self, *exc) -> None:
        if self._process is None:
            return
        try:
            self._pipe.send(None)
            self.peak = self._pipe.recv()
        except (EOFError, OSError):  # the sampler is gone: no peak, and not the error to show
            self.supported = False
        finally:
            self._process.join()
            self._pipe.close()

    @property
    def mb(self) -> float | None:
        return self.peak / (1024 * 1024) if self.supported else None

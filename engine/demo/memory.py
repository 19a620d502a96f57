"""The peak memory of a process tree, sampled while work runs.

``getrusage`` gives one process's peak and the largest child's: summed, they overstate a tree
whose workers peak at different moments, and miss two workers that peak together. This samples
the resident set of this process and every descendant (Linux ``/proc``) every few
milliseconds and keeps the largest sum seen. Elsewhere it returns None and the bench falls back
to ``getrusage``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tree_rss_bytes(root: int) -> int:
    """RSS of ``root`` and its descendants now (processes that end meanwhile are skipped)."""
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
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


class TreePeak:
    """``with TreePeak() as peak: …`` then ``peak.mb``: the largest RSS of the tree sampled."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak = 0
        self.supported = (PROC / str(os.getpid()) / "statm").exists()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        pid = os.getpid()
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, tree_rss_bytes(pid))

    def __enter__(self) -> TreePeak:
        if self.supported:
            self.peak = tree_rss_bytes(os.getpid())
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.supported:
            self._stop.set()
            self._thread.join()
            self.peak = max(self.peak, tree_rss_bytes(os.getpid()))

    @property
    def mb(self) -> float | None:
        return self.peak / (1024 * 1024) if self.supported else None

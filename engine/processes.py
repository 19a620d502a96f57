"""Worker processes for the engine's long jobs (audit lanes, import conversion).

Processes, not threads: the work is Python or SQLite, and neither runs two threads of one
process in parallel here (the GIL; SQLite built with memory statistics serialises its
allocations)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

#: Imported once by the fork server, so each worker it forks starts with them loaded.
WORKER_MODULES = ["engine.rules.lanes", "engine.ingest.staged"]
PARENT_CHECK_SECONDS = 0.5


def cores() -> int:
    """The cores this process may run on (fewer than the machine's when it is pinned)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes that end when the process that started them does, even by a kill."""
    return ProcessPoolExecutor(workers, mp_context=context(), initializer=_start_worker)


def context() -> BaseContext:
    """Fork where it is safe (Linux, one thread: the worker starts at once, nothing to
    re-import); with other threads running (the desktop), fork from a server that has
    imported the worker modules once; elsewhere a fresh interpreter (frozen apps call
    freeze_support)."""
    if sys.platform != "linux":
        return multiprocessing.get_context("spawn")
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(WORKER_MODULES)
    return forkserver


def _start_worker() -> None:
    """In a worker: collect garbage (a worker forked while an import has the collector
    paused would inherit it paused, and leak every segment's database: 17 MB each), and
    exit once its parent is gone (a forked worker holds both ends of its task pipe, so a
    parent killed mid-job would otherwise leave it waiting for tasks forever)."""
    gc.enable()
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()

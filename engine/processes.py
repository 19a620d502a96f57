"""Worker processes for the engine's long jobs (audit lanes, import parsing).

Processes, not threads: the work is Python or SQLite, and neither runs two threads of one
process in parallel here (the GIL; SQLite built with memory statistics serialises its
allocations)."""

from __future__ import annotations

import multiprocessing
import sys
import threading
from multiprocessing.context import BaseContext

#: Imported once by the fork server, so each worker it forks starts with them loaded.
WORKER_MODULES = ["engine.rules.lanes", "engine.ingest.staged"]


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

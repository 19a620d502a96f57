"""``yibao bench``: time import, audit and settle on a generated region (generation untimed),
each stage with the peak memory of the whole process tree, sampled while it runs."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from engine.demo.cases import add_cases
from engine.demo.generator import write_package
from engine.demo.memory import TreePeak
from engine.dip.params import resolve_params
from engine.dip.settlement import settle
from engine.ingest import import_package
from engine.plugins import load_plugins
from engine.rules import run_audit
from engine.workspace import Workspace


def _stage(items: int, unit: str, seconds: float, peak: TreePeak) -> dict:
    return {
        "items": items,
        "unit": unit,
        "seconds": round(seconds, 3),
        "per_second": round(items / seconds) if seconds else 0,
        "peak_rss_mb": None if peak.mb is None else round(peak.mb, 1),
    }


def process_peak_rss_mb() -> float | None:
    """Where the tree cannot be sampled: this process's peak plus its largest worker's (audit
    lanes, import parsing), an upper bound of what the machine held at once. On Windows, this
    process's peak only; None where neither can be read."""
    try:
        import resource
    except ImportError:
        return _windows_peak_mb()
    peak = sum(
        resource.getrusage(who).ru_maxrss
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _windows_peak_mb() -> float | None:
    import ctypes

    class Counters(ctypes.Structure):  # PROCESS_MEMORY_COUNTERS
        _fields_ = [("cb", ctypes.c_uint32), ("page_faults", ctypes.c_uint32)] + [
            (name, ctypes.c_size_t)
            for name in ("peak_working_set", "working_set", "a", "b", "c", "d", "e", "f")
        ]

    try:
        counters = Counters(cb=ctypes.sizeof(Counters))
        process = ctypes.windll.kernel32.GetCurrentProcess()
        if not ctypes.windll.psapi.GetProcessMemoryInfo(
            process, ctypes.byref(counters), counters.cb
        ):
            return None
    except (AttributeError, OSError):
        return None
    return counters.peak_working_set / (1024 * 1024)


def _on_disk() -> None:
    """Let the generated package reach the disk before anything is timed. A user's package
    has long been written; the bench's 20 M lines (3 GB) would otherwise still be in the
    page cache waiting to be written, and the kernel makes a process that writes gigabytes
    more (the import) wait for them."""
    if hasattr(os, "sync"):  # Windows has none: there the import is timed as it comes
        os.sync()


def _import_and_audit(ws: Workspace, package: Path, plugins, say, label: str = ""):
    """The timed import and audit stages of one workspace."""
    with TreePeak() as peak:
        t = time.perf_counter()
        imported = import_package(ws, package)
        elapsed = time.perf_counter() - t
    stages = {"import": _stage(imported.lines, "lines", elapsed, peak)}
    say(f"import  {stages['import']['per_second']:,} lines/s{label}")
    with TreePeak() as peak:
        t = time.perf_counter()
        run_audit(ws, plugins=plugins)
        elapsed = time.perf_counter() - t
    stages["audit"] = _stage(imported.lines, "lines", elapsed, peak)
    say(f"audit   {stages['audit']['per_second']:,} lines/s{label}")
    return imported, stages


def _encrypted(tmp_path: Path, plugins, say, plain: dict) -> dict:
    """The same import and audit in an encrypted workspace, and each one's cost against the
    plain one (the target: at most 1.3 times)."""
    path = tmp_path / "bench-encrypted.yibao"
    with Workspace.open(path, encrypt=True, passphrase=secrets.token_hex(16)) as ws:
        _, stages = _import_and_audit(ws, tmp_path / "package", plugins, say, " (encrypted)")
    for name, stage in stages.items():
        seconds = plain[name]["seconds"]
        stage["times_plain"] = round(stage["seconds"] / seconds, 2) if seconds else None
    return stages


def run_bench(
    lines: int,
    *,
    cases: int = 200_000,
    seed: int = 1,
    progress: Callable[[str], object] | None = None,
    encrypt: bool = False,
) -> dict:
    """Import and audit a region of about ``lines`` lines, then settle it with ``cases`` more
    inpatient cases (the spec asks for at least 200,000). ``encrypt``: also import and
    audit it in an encrypted workspace, to show what encryption costs."""
    say = progress or (lambda _text: None)
    plugins = load_plugins()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        say(f"generating a region of about {lines:,} lines (not timed)…")
        write_package(tmp_path / "package", seed, lines)
        _on_disk()
        encrypted = None
        with Workspace.open(tmp_path / "bench.yibao") as ws:
            imported, stages = _import_and_audit(ws, tmp_path / "package", plugins, say)
            if encrypt:
                encrypted = _encrypted(tmp_path, plugins, say, stages)
            say(f"adding {cases:,} inpatient cases for the settle stage (not timed)…")
            year = resolve_params(ws, None, plugins=plugins)["year"]
            add_cases(ws, cases, year, seed)
            settled = ws.conn.execute(
                "SELECT count(*) FROM claims WHERE visit_type = 'inpatient'"
                " AND substr(discharge_date, 1, 4) = ?",
                (str(year),),
            ).fetchone()[0]
            with TreePeak() as peak:
                t = time.perf_counter()
                settle(ws, year, plugins=plugins, store=False, cases=False)
                elapsed = time.perf_counter() - t
            stages["settle"] = _stage(settled, "cases", elapsed, peak)
            say(f"settle  {stages['settle']['per_second']:,} cases/s")
    sampled = [s["peak_rss_mb"] for s in stages.values() if s["peak_rss_mb"] is not None]
    peak = max(sampled) if sampled else process_peak_rss_mb()
    out = {
        "lines": imported.lines,
        "claims": imported.claims,
        "stages": stages,
        "peak_rss_mb": None if peak is None else round(peak, 1),
    }
    if encrypted is not None:
        out["encrypted"] = encrypted
    return out

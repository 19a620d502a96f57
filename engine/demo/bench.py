"""``yibao bench``: time import, audit and settle on a generated region (generation untimed)."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from engine.demo.generator import write_package
from engine.dip.settlement import settle
from engine.ingest import import_package
from engine.plugins import load_plugins
from engine.rules import run_audit
from engine.workspace import Workspace


def _stage(items: int, unit: str, seconds: float) -> dict:
    return {
        "items": items,
        "unit": unit,
        "seconds": round(seconds, 3),
        "per_second": round(items / seconds) if seconds else 0,
    }


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_bench(lines: int, cases: int | None = None, seed: int = 1, progress=None) -> dict:
    say = progress or (lambda _text: None)
    plugins = load_plugins()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        say(f"generating a region of about {lines:,} lines (not timed)…")
        write_package(tmp_path / "package", seed, lines)
        with Workspace.open(tmp_path / "bench.yibao") as ws:
            t = time.perf_counter()
            imported = import_package(ws, tmp_path / "package")
            stages = {"import": _stage(imported.lines, "lines", time.perf_counter() - t)}
            say(f"import  {stages['import']['per_second']:,} lines/s")
            t = time.perf_counter()
            run_audit(ws, plugins)
            stages["audit"] = _stage(imported.lines, "lines", time.perf_counter() - t)
            say(f"audit   {stages['audit']['per_second']:,} lines/s")
        settle_ws = tmp_path / "bench.yibao"
        if cases:
            say(f"generating {cases:,} inpatient cases for the settle stage (not timed)…")
            write_package(tmp_path / "cases", seed, cases * 36, inpatient_share=30.0)
            settle_ws = tmp_path / "cases.yibao"
            with Workspace.open(settle_ws) as ws:
                import_package(ws, tmp_path / "cases")
        with Workspace.open(settle_ws) as ws:
            t = time.perf_counter()
            out = settle(ws, None, plugins=plugins, store=False)
            stages["settle"] = _stage(len(out["cases"]), "cases", time.perf_counter() - t)
            say(f"settle  {stages['settle']['per_second']:,} cases/s")
    return {
        "lines": imported.lines,
        "claims": imported.claims,
        "stages": stages,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }

"""``yibao demo``: generate the demo region, import, audit and settle it, and summarise."""

from __future__ import annotations

import tempfile
from pathlib import Path

from engine.demo.generator import write_package
from engine.dip.settlement import settle
from engine.errors import UserError
from engine.ingest import import_package
from engine.plugins import load_plugins
from engine.progress import Progress, no_progress
from engine.rules import run_audit
from engine.workspace import Workspace


def score(findings: list[dict], truth: list[tuple]) -> dict:
    """Precision and recall of an audit against the planted ground truth."""
    expected = {(code, claim, line) for code, claim, line, _ in truth}
    found = {(f["code"], f["claim_id"], f["line_no"]) for f in findings}
    hits = expected & found
    return {
        "planted": len(expected),
        "found": len(found),
        "true_positives": len(hits),
        "precision": round(len(hits) / len(found), 4) if found else 1.0,
        "recall": round(len(hits) / len(expected), 4) if expected else 1.0,
        "missed": sorted(expected - found)[:10],
        "unexpected": sorted(found - expected, key=str)[:10],
    }


def _clear(path: Path, force: bool) -> None:
    """Make room for the demo at ``path``: only an absent file or an earlier demo workspace
    is replaced, unless ``force``."""
    if path.exists() and not force:
        try:
            with Workspace.open(path, create=False) as ws:
                demo = ws.count("demo_truth") > 0
        except UserError:
            demo = False
        if not demo:
            raise UserError(
                f"{path} exists and is not a demo workspace; the demo will not replace it"
                " (choose another file, or pass --force)"
            )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_demo(
    path: str | Path,
    seed: int = 1,
    lines: int = 20_000,
    progress: Progress = no_progress,
    force: bool = False,
) -> dict:
    path = Path(path)
    _clear(path, force)
    plugins = load_plugins()
    with tempfile.TemporaryDirectory() as tmp, Workspace.open(path) as ws:
        region = write_package(Path(tmp) / "package", seed, lines, prior_year=True)
        imported = import_package(ws, Path(tmp) / "package", progress=progress)
        with ws.transaction() as conn:
            conn.executemany(
                "INSERT INTO demo_truth (code, claim_id, line_no, institution_code) VALUES (?, ?, ?, ?)",
                region.truth,
            )
        audit = run_audit(ws, plugins, progress=progress)
        quality = score(audit.findings, region.truth)
        settlement = settle(ws, None, plugins=plugins, progress=progress)
    text = [
        f"演示统筹区 demo region written to {path} (seed {seed})",
        f"  loaded {imported.claims:,} claims and {imported.lines:,} fee lines of "
        f"{imported.reference.get('institutions', 0)} institutions; "
        f"catalogue {imported.reference.get('catalogue', 0)} items",
        f"  audit {audit.run_id}: {len(audit.findings)} findings in {audit.seconds:.1f}s — "
        f"planted {quality['planted']}, found {quality['true_positives']} of them "
        f"(recall {quality['recall']:.0%}), precision {quality['precision']:.0%}",
        f"  DIP {settlement['year']}: point value {settlement['point_value']}, "
        f"{sum(i['cases'] for i in settlement['institutions'])} DIP cases",
        "  institution      cases     points        payment   final payment",
    ]
    for i in settlement["institutions"]:
        text.append(
            f"  {i['institution_code']:<12}{i['cases']:>9}{i['points']:>11,.0f}"
            f"{i['payment']:>15,.2f}{i.get('final_payment', i['payment']):>16,.2f}"
        )
    text.append(
        f"next: yibao findings -w {path}   |   yibao dip explain -w {path} CLAIM_ID"
        f"   |   yibao desktop -w {path}"
    )
    return {
        "workspace": str(path),
        "claims": imported.claims,
        "lines": imported.lines,
        "run_id": audit.run_id,
        "findings": len(audit.findings),
        "quality": quality,
        "settlement": {
            k: settlement[k] for k in ("year", "point_value", "total_points", "institutions")
        },
        "text": "\n".join(text),
    }

"""``yibao demo``: generate the demo region, import, audit and settle it, and summarise."""

from __future__ import annotations

import tempfile
from pathlib import Path

from engine.demo.generator import YEAR, write_package
from engine.dip.settlement import settle
from engine.errors import UserError
from engine.ingest import import_package
from engine.money import points_text
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


DEMO_REVIEWER = "演示审核员"


def _demo_decisions(ws: Workspace, run_id: str, plugins) -> list[str]:
    """Decisions the demo takes itself, so its settlement shows what they do: the first
    finding of each points effect confirmed, one special case approved (the others are left
    for the user to review, within the cap)."""
    from engine.dip import special
    from engine.review import decide

    done = []
    for effect, finding_id, claim_id in ws.conn.execute(
        "SELECT points_effect, min(finding_id), claim_id FROM findings"
        " WHERE run_id = ? AND points_effect IS NOT NULL GROUP BY points_effect",
        (run_id,),
    ).fetchall():
        decide(ws, [finding_id], "confirm", reviewer=DEMO_REVIEWER, comment="演示：经核实确认")
        done.append(f"confirmed {finding_id} on {claim_id} (points effect {effect})")
    try:
        state = special.status(ws, None, plugins)
    except UserError:
        return done
    waiting = [c["claim_id"] for c in state["cases"] if c["case_type"] == "special"]
    if waiting and state["used"] < state["cap"]:
        special.decide(
            ws,
            waiting[0],
            "approve",
            reviewer=DEMO_REVIEWER,
            comment="演示：罕见并发症，专家组同意按实际费用结算",
            plugins=plugins,
        )
        done.append(
            f"special case {waiting[0]} approved ({state['used'] + 1} of {state['cap']});"
            f" {len(waiting) - 1} more wait for review"
        )
    return done


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
        decisions = _demo_decisions(ws, audit.run_id, plugins)
        settlement = settle(ws, None, plugins=plugins, progress=progress)
    text = [
        f"演示统筹区 demo region written to {path} (seed {seed})",
        f"  loaded {imported.claims:,} claims and {imported.lines:,} fee lines of "
        f"{imported.reference.get('institutions', 0)} institutions; "
        f"catalogue {imported.reference.get('catalogue', 0)} items",
        f"  audit {audit.run_id}: {len(audit.findings)} findings in {audit.seconds:.1f}s — "
        f"planted {quality['planted']}, found {quality['true_positives']} of them "
        f"(recall {quality['recall']:.0%}), precision {quality['precision']:.0%}",
        f"  DIP {settlement['year']}: "
        + "; ".join(
            f"{name} fund point value {fund['point_value']}"
            for name, fund in settlement["funds"].items()
        )
        + f"; {sum(i['cases'] for i in settlement['institutions'])} DIP cases",
        *(f"  demo decision: {d}" for d in decisions),
        "  institution      cases          points        payment   final payment   total payment",
    ]
    for i in settlement["institutions"]:
        text.append(
            f"  {i['institution_code']:<12}{i['cases']:>9}{points_text(i['points']):>16}"
            f"{i['payment']:>15,.2f}{i['final_payment']:>16,.2f}{i['total_payment']:>16,.2f}"
        )
    text.append(
        f"next: yibao findings -w {path}   |   yibao dip special -w {path}"
        f"   |   yibao dip explain -w {path} CLAIM_ID"
        f"   |   yibao rank -w {path}   |   yibao appraise -w {path} --year {YEAR}"
        f"   |   yibao monitor -w {path} --year {YEAR}"
        f"   |   yibao desktop -w {path}"
    )
    return {
        "workspace": str(path),
        "claims": imported.claims,
        "lines": imported.lines,
        "run_id": audit.run_id,
        "findings": len(audit.findings),
        "quality": quality,
        "decisions": decisions,
        "settlement": {
            k: settlement[k]
            for k in ("year", "point_value", "total_points", "funds", "institutions")
        },
        "text": "\n".join(text),
    }

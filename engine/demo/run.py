"""``yibao demo``: generate the demo region, import, audit and settle it, and summarise."""

from __future__ import annotations

import tempfile
from pathlib import Path

from engine.demo.generator import YEAR, write_package
from engine.dip.settlement import settle
from engine.errors import UserError
from engine.findings import Finding
from engine.ingest import import_package
from engine.labels import label
from engine.money import points_text
from engine.plugins import load_plugins
from engine.progress import Progress, no_progress
from engine.rules import run_audit
from engine.workspace import Workspace


def score(findings: list[Finding], truth: list[tuple]) -> dict:
    """Precision and recall of an audit against the planted ground truth."""
    expected = {(code, claim, line) for code, claim, line, _ in truth}
    found = {(f.code, f.claim_id, f.line_no) for f in findings}
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


def _demo_decisions(ws: Workspace, run_id: str, plugins) -> list[tuple[str, str]]:
    """Decisions the demo takes itself, so its settlement shows what they do: the first
    finding of each points effect confirmed, one special case approved (the others are left
    for the user to review, within the cap). Each said (zh, en)."""
    from engine.dip import special
    from engine.review import decide

    done = []
    first: dict[str, tuple[str, str]] = {}  # by claim, not by finding id (random): seed-stable
    for effect, finding_id, claim_id in ws.conn.execute(
        "SELECT points_effect, finding_id, claim_id FROM findings"
        " WHERE run_id = ? AND points_effect IS NOT NULL ORDER BY claim_id, code, finding_id",
        (run_id,),
    ).fetchall():
        first.setdefault(effect, (finding_id, claim_id))
    for effect, (finding_id, claim_id) in sorted(first.items()):
        decide(ws, [finding_id], "confirm", reviewer=DEMO_REVIEWER, comment="演示：经核实确认")
        done.append(
            (
                f"确认疑点 {finding_id}（结算 {claim_id}，分值影响：{label('points_effect', effect)}）",
                f"confirmed {finding_id} on {claim_id} (points effect {effect})",
            )
        )
    try:
        state = special.status(ws, None, plugins=plugins)
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
            (
                f"批准特例单议 {waiting[0]}（{state['used'] + 1}/{state['cap']}）；"
                f"另有 {len(waiting) - 1} 例待审核",
                f"special case {waiting[0]} approved ({state['used'] + 1} of {state['cap']});"
                f" {len(waiting) - 1} more wait for review",
            )
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
    *,
    progress: Progress = no_progress,
    seed: int = 1,
    lines: int = 20_000,
    force: bool = False,
    lang: str = "en",
) -> dict:
    """The demo region at ``path``: generated, imported, audited, a few decisions, settled;
    ``text`` says what was done, in ``lang``."""
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
        audit = run_audit(ws, plugins=plugins, progress=progress)
        quality = score(audit.findings, region.truth)
        decisions = _demo_decisions(ws, audit.run_id, plugins)
        settlement = settle(ws, None, plugins=plugins, progress=progress)
    from engine.cli.common import table_lines

    institutions = imported.reference.get("institutions", 0)
    catalogue = imported.reference.get("catalogue", 0)
    cases = sum(i["cases"] for i in settlement["institutions"])
    q = quality
    if lang == "zh":
        values = "；".join(
            f"{label('fund', name)}点值 {fund['point_value']}"
            for name, fund in settlement["funds"].items()
        )
        text = [
            f"演示统筹区已写入 {path}（种子 {seed}）",
            f"  导入 {institutions} 家机构的结算 {imported.claims:,} 条、明细 {imported.lines:,} 条；"
            f"目录 {catalogue} 项",
            f"  审核批次 {audit.run_id}：疑点 {len(audit.findings)} 个，用时 {audit.seconds:.1f} 秒"
            f"——预埋 {q['planted']} 个，检出 {q['true_positives']} 个（召回率 {q['recall']:.0%}），"
            f"准确率 {q['precision']:.0%}",
            f"  {settlement['year']} 年度 DIP：{values}；DIP 病例 {cases} 例",
            *(f"  演示决定：{zh}" for zh, _en in decisions),
        ]
        headers = ["机构", "病例数", "总分值", "应支付", "清算支付", "合计支付"]
        hint = "下一步"
    else:
        values = "; ".join(
            f"{name} fund point value {fund['point_value']}"
            for name, fund in settlement["funds"].items()
        )
        text = [
            f"demo region written to {path} (seed {seed})",
            f"  loaded {imported.claims:,} claims and {imported.lines:,} fee lines of "
            f"{institutions} institutions; catalogue {catalogue} items",
            f"  audit {audit.run_id}: {len(audit.findings)} findings in {audit.seconds:.1f}s — "
            f"planted {q['planted']}, found {q['true_positives']} of them "
            f"(recall {q['recall']:.0%}), precision {q['precision']:.0%}",
            f"  DIP {settlement['year']}: {values}; {cases} DIP cases",
            *(f"  demo decision: {en}" for _zh, en in decisions),
        ]
        headers = ["institution", "cases", "points", "payment", "final payment", "total payment"]
        hint = "next"
    rows = [
        [
            i["institution_code"],
            i["cases"],
            points_text(i["points"]),
            *(f"{i[k]:,.2f}" for k in ("payment", "final_payment", "total_payment")),
        ]
        for i in settlement["institutions"]
    ]
    text += ["  " + line for line in table_lines(headers, rows, right=set(range(1, 6)))]
    text.append(
        f"{hint}: yibao findings -w {path}   |   yibao dip special -w {path}"
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
        "decisions": [en for _zh, en in decisions],
        "settlement": {
            k: settlement[k]
            for k in ("year", "point_value", "total_points", "funds", "institutions")
        },
        "text": "\n".join(text),
    }

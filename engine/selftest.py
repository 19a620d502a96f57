"""``yibao selftest``: does this installation (frozen or not) work end to end?

It builds a small demo region in a temporary folder, imports, audits, reviews, settles and
reports on it, verifies the log, and says what failed; nothing outside the temporary folder
is touched.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def run_selftest(say: Callable[[str], None] = print) -> list[str]:
    """Run every check; return the failures (empty when all is well)."""
    from engine import audit_log
    from engine.demo.generator import write_package
    from engine.dip.settlement import settle
    from engine.findings import list_findings
    from engine.ingest import import_package
    from engine.plugins import load_plugins
    from engine.reports import write_report
    from engine.review import decide
    from engine.rules import run_audit
    from engine.workspace import Workspace

    failures: list[str] = []

    def check(name: str, ok: bool, detail: str = "") -> None:
        say(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
        if not ok:
            failures.append(name)

    started = time.perf_counter()
    plugins = load_plugins()
    for info in plugins.infos:
        if info.error:
            say(f"note: plug-in {info.name} did not load: {info.error}")
    with tempfile.TemporaryDirectory(prefix="yibao-selftest-") as tmp:
        tmp_path = Path(tmp)
        region = write_package(tmp_path / "package", seed=7, lines_target=3000)
        with Workspace.open(tmp_path / "selftest.yibao") as ws:
            imported = import_package(ws, tmp_path / "package")
            check(
                "import", imported.lines > 1000, f"{imported.claims} claims, {imported.lines} lines"
            )
            audit = run_audit(ws, plugins=plugins)
            planted = {code for code, *_ in region.truth}
            found = {f.code for f in audit.findings}
            check(
                "audit",
                bool(found) and not audit.problems,
                f"{len(audit.findings)} findings; planted kinds found {len(planted & found)}/{len(planted)}",
            )
            findings = list_findings(ws)
            if findings:
                decide(ws, [findings[0]["finding_id"]], "confirm", reviewer="selftest")
            out = settle(ws, plugins=plugins, cases=False)
            check(
                "settle",
                bool(out["institutions"])
                and all(f["point_value"] > 0 for f in out["funds"].values()),
                "point value "
                + ", ".join(f"{k} {f['point_value']}" for k, f in out["funds"].items())
                + f"; {len(out['institutions'])} institutions",
            )
            for suffix in (".xlsx", ".pdf"):
                path = tmp_path / f"report{suffix}"
                write_report(ws, path, plugins=plugins)
                check(f"report {suffix}", path.stat().st_size > 1000)
            _doctors(ws, plugins, findings, tmp_path, check)
            verified = audit_log.verify(ws.conn)
            check("log", verified.ok, f"{verified.entries} entries")
        _encrypted(tmp_path, check)
    say(
        f"selftest {'passed' if not failures else 'FAILED'} in {time.perf_counter() - started:.1f}s"
    )
    return failures


def _encrypted(tmp_path: Path, check) -> None:
    """An encrypted workspace (the SQLCipher binding is there) opens with its passphrase and
    shows plain SQLite nothing."""
    import secrets
    import sqlite3

    from engine.workspace import Workspace

    path, key = tmp_path / "encrypted.yibao", secrets.token_hex(16)
    with Workspace.open(path, encrypt=True, passphrase=key) as ws:
        ws.set_setting("selftest", 1)
    with Workspace.open(path, create=False, passphrase=key) as ws:
        readable = ws.encrypted and ws.get_setting("selftest") == 1
    try:
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
        hidden = False
    except sqlite3.DatabaseError:
        hidden = True
    check("encrypted workspace", readable and hidden)


def _doctors(ws, plugins, findings: list[dict], tmp_path: Path, check) -> None:
    """A confirmed claim finding scores its doctor; the doctor's notice is written."""
    from engine.accountability.ledger import for_workspace
    from engine.reports import write_doctor_notice
    from engine.review import decide

    claim_finding = next((f for f in findings if f["claim_id"]), None)
    if claim_finding is not None:
        decide(ws, [claim_finding["finding_id"]], "confirm", reviewer="selftest")
    ledger = for_workspace(ws, plugins=plugins)
    scored = [d for d in ledger.doctors if d.points]
    check("doctors", bool(scored), f"{len(ledger.doctors)} doctors, {len(scored)} with points")
    if scored:
        path = tmp_path / "doctor.pdf"
        write_doctor_notice(ws, path, scored[0].doctor_id, plugins=plugins)
        check("doctor notice .pdf", path.stat().st_size > 1000)

"""The log as evidence of the case: the probe's tamper table is detected by ``verify``."""

import json

import pytest

from engine import audit_log, evidence
from engine.cli import main
from engine.dip.settlement import settle
from engine.findings import list_findings
from engine.review import decide
from engine.rules import run_audit


@pytest.fixture
def case(sample_ws, plugins):
    """An imported, audited, reviewed and settled workspace."""
    run_audit(sample_ws, plugins=plugins)
    findings = [f for f in list_findings(sample_ws) if f["claim_id"] and f["line_no"]]
    decide(sample_ws, [findings[0]["finding_id"]], "confirm", reviewer="张三")
    decide(
        sample_ws,
        [f["finding_id"] for f in findings[1:3]],
        "dismiss",
        reviewer="李四",
        comment="合理",
    )
    settle(sample_ws, plugins=plugins)
    assert audit_log.verify(sample_ws.conn).ok
    return sample_ws


def _problems(ws, *statements, head=None) -> list[str]:
    """What verify says with ``statements`` applied; rolled back after."""
    ws.conn.execute("BEGIN")
    try:
        for sql in statements:
            assert ws.conn.execute(sql).rowcount
        return [str(p) for p in audit_log.verify(ws.conn, head).problems]
    finally:
        ws.conn.execute("ROLLBACK")


def _seq(ws, action: str) -> int:
    return ws.conn.execute("SELECT max(seq) FROM log WHERE action = ?", (action,)).fetchone()[0]


def test_each_tampered_table_is_reported_by_entry_and_row(case):
    review = _seq(case, "review") - 1  # the first decision (one row)
    first = case.conn.execute("SELECT min(id) FROM reviews").fetchone()[0]
    assert _problems(case, f"UPDATE reviews SET decision = 'dismiss' WHERE id = {first}") == [
        f"entry {review}: reviews: id {first} differ from what it recorded"
    ]
    assert _problems(case, f"UPDATE reviews SET deduction = 1 WHERE id = {first}") == [
        f"entry {review}: reviews: id {first} differ from what it recorded"
    ]
    audit = _seq(case, "audit")
    finding = case.conn.execute("SELECT finding_id FROM findings LIMIT 1 OFFSET 3").fetchone()[0]
    (problem,) = _problems(
        case, f"UPDATE findings SET amount = amount + 1 WHERE finding_id = '{finding}'"
    )
    assert problem.startswith(f"entry {audit}: findings: finding_id ") and "differ" in problem
    imported = _seq(case, "import")
    (problem,) = _problems(
        case,
        "UPDATE lines SET amount = amount * 2 WHERE line_no = 1 AND claim_id = (SELECT min(claim_id) FROM lines)",
    )
    assert problem.startswith(f"entry {imported}: lines: claim_id/line_no")
    settled = _seq(case, "settle")
    inst = case.conn.execute(
        "SELECT institution_code FROM settlement_institutions LIMIT 1"
    ).fetchone()[0]
    assert _problems(
        case,
        f"UPDATE settlement_institutions SET result = replace(result, '1', '2') WHERE institution_code = '{inst}'",
    ) == [
        f"entry {settled}: settlement_institutions: institution_code {inst} differ from what it recorded"
    ]
    # a decision row removed, or one added behind the log's back
    assert _problems(case, f"DELETE FROM reviews WHERE id = {first}") == [
        f"entry {review}: reviews: id {first} differ from what it recorded"
    ]
    added = _problems(
        case,
        "INSERT INTO reviews (finding_id, decision, reviewer, decided_at) SELECT finding_id, 'dismiss', 'x', 'now' FROM findings LIMIT 1",
    )
    # a forged entry is reported, never a crash
    forged = """UPDATE log SET detail = '{"evidence": [{"table": "lines"}]}' WHERE seq = 1"""
    assert _problems(case, forged) == [
        "entry 1: its content does not match its hash",
        "entry 1: what it recorded is not readable",
    ]
    new = case.conn.execute("SELECT max(id) + 1 FROM reviews").fetchone()[0]
    assert added == [f"decision row {new} is recorded by no log entry"]


def settlement_run(ws) -> str:
    return ws.conn.execute("SELECT run_id FROM runs WHERE kind = 'settle'").fetchone()[0]


def _rechain(conn) -> None:
    """The attacker's full re-chain: every entry's evidence recomputed, every hash rebuilt."""
    prev = audit_log.GENESIS
    for seq, at, action, detail in conn.execute(
        "SELECT seq, at, action, detail FROM log ORDER BY seq"
    ).fetchall():
        detail = json.loads(detail)
        if "evidence" in detail:
            detail["evidence"] = [
                evidence.record(conn, r["table"], r["where"]) for r in detail["evidence"]
            ]
        text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        hash_ = audit_log.entry_hash(prev, at, action, text)
        conn.execute(
            "UPDATE log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (text, prev, hash_, seq),
        )
        prev = hash_


def test_truncation_and_a_rebuilt_chain_are_caught_by_the_head(case, capsys):
    head = audit_log.head(case.conn)
    last = head.entries
    # the tail cut off (a run left without its entry is reported) ...
    assert _problems(case, f"DELETE FROM log WHERE seq = {last}") == [
        f"run {settlement_run(case)} is recorded by no log entry"
    ]
    # ... and with the run it recorded: the chain is intact, the head written down is not
    cut = (
        f"DELETE FROM log WHERE seq = {last}",
        f"DELETE FROM runs WHERE run_id = '{settlement_run(case)}'",
    )
    assert _problems(case, *cut) == []
    assert _problems(case, *cut, head=head) == [
        f"the log has {last - 1} entries, fewer than the {last} of the head written down: its tail was removed"
    ]
    # an edited finding with the whole chain rebuilt passes the chain; not the head
    case.conn.execute("BEGIN")
    case.conn.execute("UPDATE findings SET amount = amount + 10000 WHERE rowid = 1")
    _rechain(case.conn)
    assert audit_log.verify(case.conn).ok
    problems = [str(p) for p in audit_log.verify(case.conn, head).problems]
    assert problems == [
        f"entry {last}: its hash is not the head written down: the log was rewritten up to here"
    ]
    case.conn.execute("ROLLBACK")
    # the CLI: --head prints it, --verify --head checks it (exit 3 when altered)
    path = str(case.path)
    capsys.readouterr()
    assert main(["log", "-w", path, "--head"]) == 0
    assert capsys.readouterr().out.strip() == str(head)
    assert main(["log", "-w", path, "--verify", "--head", str(head)]) == 0
    case.conn.execute(f"DELETE FROM log WHERE seq = {last}")
    assert main(["log", "-w", path, "--verify", "--head", str(head), "--json"]) == 3


def test_signed_entries_catch_a_rebuilt_chain_without_a_head(
    sample_ws, plugins, tmp_path, monkeypatch
):
    private, public = tmp_path / "inspector.key", tmp_path / "inspector.pub"
    assert main(["plugins", "keygen", "--out", str(tmp_path / "inspector")]) == 0
    monkeypatch.setenv("YIBAO_SIGNING_KEY", str(private))
    run_audit(sample_ws, plugins=plugins)
    assert audit_log.verify(sample_ws.conn, public_key=str(public)).ok
    sample_ws.conn.execute("UPDATE findings SET amount = amount + 10000 WHERE rowid = 1")
    _rechain(sample_ws.conn)
    problems = audit_log.verify(sample_ws.conn, public_key=str(public)).problems
    # the import before the key was set is held by the signed audit entry's chain
    audit = _seq(sample_ws, "audit")
    assert [str(p) for p in problems] == [
        f"entry {audit}: its signature does not match its content"
    ]


def test_the_head_is_on_every_report_and_export(case, plugins, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from engine.ingest import export_package
    from engine.reports import write_report

    head = str(audit_log.head(case.conn))
    write_report(case, tmp_path / "r.xlsx", plugins=plugins)
    cells = [c.value for row in load_workbook(tmp_path / "r.xlsx")["汇总"].iter_rows() for c in row]
    assert head in cells
    inst = case.conn.execute("SELECT min(institution_code) FROM findings").fetchone()[0]
    write_report(case, tmp_path / "n.pdf", institution=inst, plugins=plugins)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "n.pdf").pages)
    assert head[:20] in text.replace("\n", "")
    export_package(case, tmp_path / "out")
    assert (tmp_path / "out" / "log_head.txt").read_text().strip() == head

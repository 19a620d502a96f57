"""lines.self_pay_amount (interchange r2): imported by English or Chinese header, exported back."""

import csv

from engine.ingest import import_package
from engine.ingest.export import export_package
from engine.workspace import Workspace


def _with_self_pay(package, header: str) -> None:
    path = package / "lines.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    if "self_pay_amount" in rows[0]:
        rows = [row[:-1] for row in rows]
    rows[0].append(header)
    for row in rows[1:]:
        row.append("2.5" if row[:2] == ["S-OK", "1"] else "")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_self_pay_amount_is_stored_exactly_and_exported(tmp_path, package):
    _with_self_pay(package, "自费金额")
    ws = Workspace.open(tmp_path / "w.yibao")
    import_package(ws, package)
    stored = ws.conn.execute(
        "SELECT claim_id, line_no, self_pay_amount FROM lines WHERE self_pay_amount IS NOT NULL"
    ).fetchall()
    assert stored == [("S-OK", 1, 25000)]
    export_package(ws, tmp_path / "out")
    ws.close()
    rows = list(csv.DictReader((tmp_path / "out" / "lines.csv").open(encoding="utf-8-sig")))
    paid = {(r["claim_id"], r["line_no"]): r["self_pay_amount"] for r in rows}
    assert paid[("S-OK", "1")] in ("2.5", "2.50", "2.5000")
    assert paid[("S-OK", "2")] == ""

"""Write a workspace back as a data package (the inverse of import)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from engine import audit_log, contract
from engine.contract import DEC, Table
from engine.money import units_to_text
from engine.workspace import Workspace

LOG_HEAD_FILE = "log_head.txt"


def _write_table(ws: Workspace, table: Table, folder: Path, where: str = "") -> int:
    names = table.column_names
    decimals = [c.type == DEC for c in table.columns]
    order = ", ".join(table.key) if table.key else "rowid"
    if table.name == "lines":
        order = "claim_id, line_no"
    rows = ws.conn.execute(
        f"SELECT {', '.join(names)}, extra FROM {table.name} {where} ORDER BY {order}"
    )
    extra_keys: list[str] = []
    materialised = []
    for row in rows:
        extra = json.loads(row[-1]) if row[-1] else {}
        for key in extra:
            if key not in extra_keys:
                extra_keys.append(key)
        materialised.append((row[:-1], extra))
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{table.name}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names + extra_keys)
        for values, extra in materialised:
            cells = [
                units_to_text(v) if is_dec else ("" if v is None else v)
                for v, is_dec in zip(values, decimals, strict=True)
            ]
            writer.writerow(cells + [extra.get(k, "") for k in extra_keys])
    return len(materialised)


def export_package(ws: Workspace, out: str | Path) -> dict[str, int]:
    """Write claims, lines and the reference tables (official DIP catalogue) under ``out``,
    and the log's head (``LOG_HEAD_FILE``) the export was made at."""
    out = Path(out)
    counts = {}
    for table in contract.ALL_TABLES:
        if table.name not in ("claims", "lines") and not ws.count(table.name):
            continue
        folder = out / table.folder if table.folder else out
        where = "WHERE source='official'" if table.name == "dip_groups" else ""
        counts[table.name] = _write_table(ws, table, folder, where)
    years = ws.conn.execute("SELECT params FROM dip_params ORDER BY year DESC").fetchall()
    if years:
        (out / "reference").mkdir(parents=True, exist_ok=True)
        params = json.loads(years[0][0])
        (out / "reference" / contract.DIP_PARAMS_FILE).write_text(
            json.dumps(params, ensure_ascii=False, indent=2), encoding="utf-8"
        )
    (out / LOG_HEAD_FILE).write_text(f"{audit_log.head(ws.conn)}\n", encoding="ascii")
    return counts

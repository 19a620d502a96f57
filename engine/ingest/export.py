"""Write a workspace back as a data package (the inverse of import).

Text cells that a spreadsheet would run as a formula get a leading ``'`` (``engine.cells``)
unless ``raw``: open an export in Excel safely, re-import a ``raw`` one exactly. The package
is written owner-only into a hidden folder beside ``out`` and renamed into place at the end,
so an interrupted export leaves no partial copy of the patient data behind.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from engine import audit_log, contract
from engine.cells import csv_text
from engine.contract import DEC, Table
from engine.errors import UserError
from engine.files import private_text, staged_folder
from engine.money import units_to_text
from engine.workspace import Workspace

LOG_HEAD_FILE = "log_head.txt"


def _write_table(
    ws: Workspace, table: Table, folder: Path, where: str = "", raw: bool = False, bom: bool = True
) -> int:
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
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    safe = (lambda v: v) if raw else (lambda v: csv_text(v) if isinstance(v, str) else v)
    with private_text(folder / f"{table.name}.csv", bom=bom) as handle:
        writer = csv.writer(handle)
        writer.writerow(names + [safe(k) for k in extra_keys])  # extra headers came from outside
        for values, extra in materialised:
            cells = [
                units_to_text(v) if is_dec else ("" if v is None else safe(v))
                for v, is_dec in zip(values, decimals, strict=True)
            ]
            writer.writerow(cells + [safe(extra.get(k, "")) for k in extra_keys])
    return len(materialised)


def export_package(
    ws: Workspace, out: str | Path, *, raw: bool = False, bom: bool = True
) -> dict[str, int]:
    """Write claims, lines and the reference tables (official DIP catalogue) as a new folder
    ``out`` (an empty folder may stand there already; anything else is refused), and the
    log's head (``LOG_HEAD_FILE``) the export was made at. The CSV files start with a UTF-8
    byte-order mark unless ``bom`` is false (Excel on Chinese Windows needs it)."""
    out = Path(out)
    if out.is_file() or out.is_symlink() or (out.is_dir() and any(out.iterdir())):
        raise UserError(f"{out} already exists: export writes a new folder; choose another name")
    if not out.parent.is_dir():
        raise UserError(f"folder not found: {out.parent}")
    if out.is_dir():
        out.rmdir()
    with staged_folder(out) as work:
        counts = _write_package(ws, work, raw, bom)
    return counts


def _write_package(ws: Workspace, out: Path, raw: bool, bom: bool = True) -> dict[str, int]:
    counts = {}
    for table in contract.ALL_TABLES:
        if table.name not in ("claims", "lines") and not ws.count(table.name):
            continue
        folder = out / table.folder if table.folder else out
        where = "WHERE source='official'" if table.name == "dip_groups" else ""
        counts[table.name] = _write_table(ws, table, folder, where, raw, bom)
    years = ws.conn.execute("SELECT params FROM dip_params ORDER BY year DESC").fetchall()
    if years:
        (out / "reference").mkdir(parents=True, exist_ok=True, mode=0o700)
        params = json.loads(years[0][0])
        with private_text(out / "reference" / contract.DIP_PARAMS_FILE) as handle:
            handle.write(json.dumps(params, ensure_ascii=False, indent=2))
    with private_text(out / LOG_HEAD_FILE) as handle:
        handle.write(f"{audit_log.head(ws.conn)}\n")
    return counts

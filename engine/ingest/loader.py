"""Import a data package into a workspace: validate everything, write all or nothing.

What cannot be stored meaningfully (unparseable values, missing required fields, duplicate
keys, dangling references) rejects the whole package with ``file:row:column: reason``
errors. Everything storable is stored as given, even when it is wrong: the rules find it.
The write is one SQLite transaction, so an error or a kill leaves the workspace unchanged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from engine import audit_log, contract
from engine.contract import Table
from engine.dip.params import validate_params_json
from engine.errors import ImportRejected, UserError
from engine.ingest.convert import converter_for
from engine.ingest.readers import TableSource, find_file, open_table
from engine.progress import NEVER, CancelToken, Progress, no_progress
from engine.workspace import Workspace

MAX_SHOWN_ERRORS = 100
CHUNK = 5_000  # lines written at a time; cancel and progress are checked between chunks


@dataclass
class ImportResult:
    claims: int = 0
    lines: int = 0
    reference: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    encodings: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    adapter: str | None = None  # the plug-in adapter that converted a local export

    def to_json(self) -> dict:
        return {
            "claims": self.claims,
            "lines": self.lines,
            "reference": self.reference,
            "seconds": round(self.seconds, 3),
        }


class _Errors:
    def __init__(self) -> None:
        self.shown: list[str] = []
        self.total = 0

    def add(self, file: str, row: int | str, column: str, reason: str) -> None:
        self.total += 1
        if len(self.shown) < MAX_SHOWN_ERRORS:
            self.shown.append(f"{file}:{row}:{column}: {reason}")

    def __bool__(self) -> bool:
        return self.total > 0


class _Parser:
    """Maps a file's header to the contract's columns and converts its rows."""

    def __init__(self, source: TableSource, table: Table, name: str, errors: _Errors):
        self.table, self.name, self.errors = table, name, errors
        self.source = source
        by_label: dict[str, str] = {}
        for col in table.columns:
            by_label[col.name.lower()] = col.name
            for label in col.labels:
                by_label[label] = col.name
        positions: dict[str, int] = {}
        self.extra: list[tuple[int, str]] = []
        self.mapping: dict[str, str] = {}
        for index, header in enumerate(source.header):
            key = header.strip().lstrip("\ufeff")
            name_ = by_label.get(key) or by_label.get(key.lower())
            if name_ is None:
                if key:
                    self.extra.append((index, key))
                continue
            if name_ in positions:
                errors.add(self.name, 1, key, f"column {name_} appears twice")
            positions[name_] = index
            self.mapping[key] = name_
        for col in table.columns:
            if col.required and col.name not in positions:
                errors.add(self.name, 1, col.name, "required column is missing")
        self.plan = [(positions.get(col.name), converter_for(col), col) for col in table.columns]
        self.required = [i for i, col in enumerate(table.columns) if col.required]
        self.width = len(source.header)

    def rows(self) -> Iterator[tuple[int, list, str | None]]:
        """Yield (row number, converted values, extra JSON) for rows without errors."""
        plan, width, required = self.plan, self.width, self.required
        for number, cells in self.source.rows:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            try:
                values = [conv(cells[i]) if i is not None else None for i, conv, _ in plan]
            except ValueError:
                self._report_cells(number, cells)
                continue
            bad = False
            for j in required:
                if values[j] is None:
                    self.errors.add(self.name, number, plan[j][2].name, "required value is empty")
                    bad = True
            if bad:
                continue
            extra = None
            if self.extra:
                kept = {k: cells[i] for i, k in self.extra if i < len(cells) and cells[i] != ""}
                extra = json.dumps(kept, ensure_ascii=False) if kept else None
            yield number, values, extra

    def _report_cells(self, number: int, cells: list[str]) -> None:
        for i, conv, col in self.plan:
            if i is None:
                continue
            try:
                conv(cells[i])
            except ValueError as exc:
                self.errors.add(self.name, number, col.name, str(exc))


def _relative(package: Path, path: Path) -> str:
    try:
        return str(path.relative_to(package))
    except ValueError:
        return str(path)


def _insert_sql(table: str, columns: Iterable[str], verb: str = "INSERT") -> str:
    cols = list(columns)
    return f"{verb} INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def _check_keys(rows: list[tuple[int, list, str | None]], table: Table, name: str, errors: _Errors):
    if not table.key:
        return
    idx = [table.column_names.index(k) for k in table.key]
    seen: dict[tuple, int] = {}
    for number, values, _ in rows:
        key = tuple(values[i] for i in idx)
        if key in seen:
            errors.add(
                name,
                number,
                "+".join(table.key),
                f"duplicate key {key!r} (first at row {seen[key]})",
            )
        else:
            seen[key] = number


def import_package(
    ws: Workspace,
    package: str | Path,
    *,
    replace: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
    known_institutions: Iterable[str] = (),
    source: str | None = None,
) -> ImportResult:
    """Validate and load ``package``; raise ``ImportRejected`` and write nothing on errors."""
    started = time.perf_counter()
    package = Path(package)
    if not package.is_dir():
        raise UserError(f"data package not found (expected a folder): {package}")
    errors = _Errors()
    result = ImportResult()

    def parser_for(table: Table) -> _Parser | None:
        path = find_file(package, table)
        name = _relative(package, path) if path else f"{table.name}.csv"
        if path is None:
            if table.required_file:
                errors.add(name, 0, "-", "required file is missing")
            return None
        try:
            source = open_table(path)
        except (UnicodeDecodeError, OSError, ValueError) as exc:
            errors.add(name, 0, "-", f"cannot read the file: {exc}")
            return None
        result.encodings[name] = source.encoding
        parser = _Parser(source, table, name, errors)
        result.headers[name] = parser.mapping
        return parser

    # Reference tables are small: read them whole.
    reference: dict[str, list] = {}
    for table in contract.REFERENCE_TABLES:
        parser = parser_for(table)
        if parser is None:
            continue
        rows = list(parser.rows())
        _check_keys(rows, table, parser.name, errors)
        reference[table.name] = rows
    params = None
    params_path = package / "reference" / contract.DIP_PARAMS_FILE
    if params_path.is_file():
        try:
            params = validate_params_json(params_path.read_text(encoding="utf-8"))
        except (UserError, UnicodeDecodeError) as exc:
            errors.add(_relative(package, params_path), 0, "-", str(exc))
    progress("reference", 1, 1)

    institutions = set(known_institutions)
    institutions.update(r[0] for r in ws.conn.execute("SELECT institution_code FROM institutions"))
    institutions.update(values[0] for _, values, _ in reference.get("institutions", []))

    claims_parser = parser_for(contract.CLAIMS)
    claims_rows = list(claims_parser.rows()) if claims_parser else []
    claim_ids: dict[str, int] = {}
    inst_idx = contract.CLAIMS.column_names.index("institution_code")
    for number, values, _ in claims_rows:
        cid = values[0]
        if cid in claim_ids:
            errors.add(
                claims_parser.name,
                number,
                "claim_id",
                f"duplicate claim id {cid!r} (first at row {claim_ids[cid]})",
            )
            continue
        claim_ids[cid] = number
        if values[inst_idx] not in institutions:
            errors.add(
                claims_parser.name,
                number,
                "institution_code",
                f"unknown institution {values[inst_idx]!r} (not in institutions)",
            )
    existing: set[str] = set()
    if claim_ids and ws.count("claims"):
        existing = {r[0] for r in ws.conn.execute("SELECT claim_id FROM claims")} & claim_ids.keys()
        if existing and not replace:
            for cid in sorted(existing, key=claim_ids.get):
                errors.add(
                    claims_parser.name,
                    claim_ids[cid],
                    "claim_id",
                    f"claim {cid!r} is already in the workspace (use --replace to replace it)",
                )
    progress("claims", len(claims_rows), len(claims_rows))

    lines_parser = parser_for(contract.LINES)
    conn = ws.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not errors:
            _write_reference(conn, reference, params)
            _write_claims(conn, claims_rows, existing)
        line_count = 0
        if lines_parser is not None:
            line_count = _load_lines(conn, lines_parser, claim_ids, errors, progress, cancel)
        if errors:
            raise ImportRejected(errors.shown, errors.total)
        result.claims = len(claims_rows)
        result.lines = line_count
        result.reference = {name: len(rows) for name, rows in reference.items()}
        if params is not None:
            result.reference["dip_params"] = 1
        result.seconds = time.perf_counter() - started
        audit_log.append(
            conn,
            "import",
            {
                "package": source or str(package.resolve()),
                "replace": replace,
                **result.to_json(),
            },
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    result.seconds = time.perf_counter() - started
    return result


def _write_reference(conn, reference: dict[str, list], params: dict | None) -> None:
    for name, rows in reference.items():
        table = contract.BY_NAME[name]
        columns = table.column_names + ["extra"]
        tail: list = []
        verb = "INSERT"
        if name in ("institutions", "catalogue"):
            verb = "INSERT OR REPLACE"  # keyed: a package adds to and updates the table
        elif name == "dip_groups":
            conn.execute("DELETE FROM dip_groups WHERE source='official'")
            columns, tail = columns + ["source"], ["official"]
        else:
            conn.execute(f"DELETE FROM {name}")  # a package's list replaces the old one
        conn.executemany(
            _insert_sql(name, columns, verb), [v + [extra] + tail for _, v, extra in rows]
        )
    if params is not None:
        conn.execute(
            "INSERT OR REPLACE INTO dip_params (year, params) VALUES (?, ?)",
            (params["year"], json.dumps(params, ensure_ascii=False)),
        )


def _claim_codes(values: list) -> Iterator[tuple]:
    names = contract.CLAIMS.column_names
    cid = values[0]
    for kind, main, others in (
        ("dx", "main_diagnosis", "secondary_diagnoses"),
        ("px", "main_procedure", "other_procedures"),
    ):
        main_code = values[names.index(main)]
        if main_code:
            yield cid, kind, 0, main_code
        listed = values[names.index(others)]
        if listed:
            for seq, code in enumerate(listed.split(";"), start=1):
                yield cid, kind, seq, code


def _write_claims(conn, rows: list, existing: set[str]) -> None:
    if existing:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS replaced_ids (claim_id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM replaced_ids")
        conn.executemany("INSERT INTO replaced_ids VALUES (?)", [(c,) for c in existing])
        for table in ("claims", "lines", "claim_codes"):
            conn.execute(
                f"DELETE FROM {table} WHERE claim_id IN (SELECT claim_id FROM replaced_ids)"
            )
    columns = contract.CLAIMS.column_names + ["extra"]
    conn.executemany(_insert_sql("claims", columns), [v + [e] for _, v, e in rows])
    conn.executemany(
        "INSERT INTO claim_codes (claim_id, kind, seq, code) VALUES (?, ?, ?, ?)",
        (code for _, values, _ in rows for code in _claim_codes(values)),
    )


def _load_lines(conn, parser: _Parser, claim_ids, errors: _Errors, progress, cancel) -> int:
    """Stream lines into the open transaction; keep validating after an error, stop writing."""
    name = parser.name
    sql = _insert_sql("lines", contract.LINES.column_names + ["extra"])
    seen: dict[str, set[int]] = {}
    refunds: list[tuple[int, str, int]] = []
    batch: list[list] = []
    count = 0
    for number, v, extra in parser.rows():
        cid, line_no = v[0], v[1]
        if cid not in claim_ids:
            errors.add(name, number, "claim_id", f"unknown claim {cid!r} (not in claims)")
            continue
        numbers = seen.get(cid)
        if numbers is None:
            numbers = seen[cid] = set()
        if line_no in numbers:
            errors.add(name, number, "line_no", f"duplicate line {line_no} of claim {cid!r}")
            continue
        numbers.add(line_no)
        if v[7] < 0:
            errors.add(name, number, "unit_price", "unit price is negative")
        if v[12] is not None:
            refunds.append((number, cid, v[12]))
        elif v[6] < 0:
            errors.add(name, number, "quantity", "negative quantity without refund_of")
        count += 1
        if errors:
            continue
        v.append(extra)
        batch.append(v)
        if len(batch) >= CHUNK:
            conn.executemany(sql, batch)
            batch.clear()
            cancel.check()
            progress("lines", count, 0)
    for number, cid, target in refunds:
        if target not in seen.get(cid, ()):
            errors.add(name, number, "refund_of", f"refunds line {target}, not a line of {cid!r}")
    if batch and not errors:
        conn.executemany(sql, batch)
    progress("lines", count, count)
    return count

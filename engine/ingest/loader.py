"""Import a data package into a workspace: validate everything, write all or nothing.

What cannot be stored meaningfully (unparseable values, missing required fields, duplicate
keys, dangling references) rejects the whole package with ``file:row:column: reason``
errors. Everything storable is stored as given, even when it is wrong: the rules find it.
The write is one SQLite transaction, so an error or a kill leaves the workspace unchanged.
"""

from __future__ import annotations

import csv
import gc
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from engine import audit_log, contract, pseudonym
from engine.contract import Table
from engine.dip.params import validate_params_json
from engine.errors import UserError
from engine.ingest import bulk, parsing, store
from engine.ingest.parsing import Errors, NeedsRowCheck, TableParser
from engine.ingest.problems import cut, shown
from engine.ingest.readers import find_file, open_table
from engine.progress import NEVER, CancelToken, Progress, no_progress
from engine.workspace import Workspace


@dataclass
class ImportResult:
    claims: int = 0
    lines: int = 0
    reference: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    encodings: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    adapter: str | None = None  # the plug-in adapter that converted a local export
    pseudonymised: bool = False  # patient ids stored as pseudonyms (engine.pseudonym)

    def to_json(self) -> dict:
        return {
            "claims": self.claims,
            "lines": self.lines,
            "reference": self.reference,
            "seconds": round(self.seconds, 3),
            "pseudonymised": self.pseudonymised,
        }


def _relative(package: Path, path: Path) -> str:
    try:
        return str(path.relative_to(package))
    except ValueError:
        return str(path)


def _check_keys(rows: list[tuple[int, list, str | None]], table: Table, name: str, errors: Errors):
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
                "duplicate_key",
                key=cut(repr(key)),
                first=seen[key],
            )
        else:
            seen[key] = number


@contextmanager
def _collector_paused() -> Iterator[None]:
    """An import allocates millions of lists that hold no reference cycles; left on, the
    garbage collector walks every live row again and again (about 40% of parsing time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_package(
    ws: Workspace,
    package: str | Path,
    *,
    replace: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
    known_institutions: Iterable[str] = (),
    source: str | None = None,
    pseudonymise: bool = False,
) -> ImportResult:
    """Validate and load ``package``; raise ``ImportRejected`` and write nothing on errors.

    Claims and lines go through the fast column path first (``bulk``); if it meets anything
    it does not pass, its writes are rolled back and the row path judges every row.
    ``pseudonymise`` stores patient ids as pseudonyms (``engine.pseudonym``); an import into a
    pseudonymised workspace always does."""
    with _collector_paused():
        return _import(
            ws, Path(package), replace, progress, cancel, known_institutions, source, pseudonymise
        )


def _import(
    ws: Workspace,
    package: Path,
    replace: bool,
    progress: Progress,
    cancel: CancelToken,
    known_institutions: Iterable[str],
    source: str | None,
    pseudonymise: bool,
) -> ImportResult:
    started = time.perf_counter()
    if not package.is_dir():
        raise UserError(f"data package not found (expected a folder): {package}")
    key = pseudonym.key_for_import(ws, pseudonymise)
    errors = Errors()
    result = ImportResult()

    def parser_for(table: Table) -> TableParser | None:
        path = find_file(package, table)
        name = _relative(package, path) if path else f"{table.name}.csv"
        if path is None:
            if table.required_file:
                errors.add(name, 0, "-", "file_missing")
            return None
        try:
            source = open_table(path)
        except UnicodeDecodeError as exc:
            errors.add(name, 0, "-", "not_text", byte=exc.start)
            return None
        except (OSError, ValueError, csv.Error) as exc:
            errors.add(name, 0, "-", "file_unreadable", detail=str(exc))
            return None
        result.encodings[name] = source.encoding
        parser = TableParser(source, table, name, errors, key)
        result.headers[name] = parser.mapping
        return parser if parser.usable else None

    # Reference tables are small: read them whole, row by row.
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
        except (UserError, UnicodeDecodeError, RecursionError) as exc:
            errors.add(_relative(package, params_path), 0, "-", "dip_params", detail=str(exc))
    progress("reference", 1, 1)

    institutions = set(known_institutions)
    institutions.update(r[0] for r in ws.conn.execute("SELECT institution_code FROM institutions"))
    institutions.update(values[0] for _, values, _ in reference.get("institutions", []))
    conn = ws.conn

    def finish(claims: int, lines: int) -> None:
        result.claims, result.lines = claims, lines
        result.reference = {name: len(rows) for name, rows in reference.items()}
        if params is not None:
            result.reference["dip_params"] = 1
        result.seconds = time.perf_counter() - started
        result.pseudonymised = key is not None
        if key is not None:
            pseudonym.mark_pseudonymised(ws, key)
        details = {"package": source or str(package.resolve()), "replace": replace}
        audit_log.append(conn, "import", details | result.to_json())

    claims_parser = parser_for(contract.CLAIMS)
    lines_parser = parser_for(contract.LINES)
    if not errors and claims_parser and lines_parser:
        try:
            fast = bulk.FastLoad(conn, claims_parser, lines_parser)
            with fast, ws.bulk_journal(fast.workers is not None), ws.transaction():
                store.write_reference(conn, reference, params)
                finish(*fast.load(institutions, replace, progress, cancel))
        except NeedsRowCheck:
            claims_parser = parser_for(contract.CLAIMS)
            lines_parser = parser_for(contract.LINES)
        else:
            result.seconds = time.perf_counter() - started
            return result

    with ws.transaction():
        claims_rows, claim_ids = _check_claims(claims_parser, institutions, errors)
        existing: set[str] = set()
        if claim_ids and ws.count("claims"):
            existing = store.workspace_claim_ids(conn) & claim_ids.keys()
            if existing and not replace:
                for cid in sorted(existing, key=claim_ids.get):
                    errors.add(
                        claims_parser.name,
                        claim_ids[cid],
                        "claim_id",
                        "claim_exists",
                        claim=shown(cid),
                    )
        progress("claims", len(claims_rows), len(claims_rows))
        if not errors:
            store.write_reference(conn, reference, params)
            _write_claims(conn, claims_rows, existing)
        line_count = 0
        if lines_parser is not None:
            # a line whose claim failed is not reported again: its claim's error says it all
            failed = claims_parser.failed_keys if claims_parser else None
            line_count = _load_lines(
                conn, lines_parser, claim_ids, failed, errors, progress, cancel
            )
        if errors:
            raise errors.rejected()
        finish(len(claims_rows), line_count)
    result.seconds = time.perf_counter() - started
    return result


def _check_claims(
    parser: TableParser | None, institutions: set[str], errors: Errors
) -> tuple[list, dict[str, int]]:
    """The claims rows, and each claim id's row number; duplicates and unknown institutions
    are errors."""
    rows = list(parser.rows()) if parser else []
    claim_ids: dict[str, int] = {}
    inst_idx = contract.CLAIMS.column_names.index("institution_code")
    for number, values, _ in rows:
        cid = values[0]
        if cid in claim_ids:
            errors.add(
                parser.name,
                number,
                "claim_id",
                "duplicate_claim",
                claim=shown(cid),
                first=claim_ids[cid],
            )
            continue
        claim_ids[cid] = number
        if values[inst_idx] not in institutions:
            errors.add(
                parser.name,
                number,
                "institution_code",
                "unknown_institution",
                institution=shown(values[inst_idx]),
            )
    return rows, claim_ids


def _write_claims(conn: sqlite3.Connection, rows: list, existing: set[str]) -> None:
    if existing:
        store.delete_claims(conn, existing)
    since = store.last_claim_rowid(conn)
    conn.executemany(store.CLAIMS_INSERT, [v + [e] for _, v, e in rows])
    store.write_claim_codes(conn, since)


#: Positions of the lines' columns in a converted row (``TableParser.rows``).
_LINE_AT = {name: i for i, name in enumerate(contract.LINES.column_names)}
_CLAIM, _LINE_NO = _LINE_AT["claim_id"], _LINE_AT["line_no"]
_QUANTITY, _UNIT_PRICE, _REFUND_OF = (
    _LINE_AT["quantity"],
    _LINE_AT["unit_price"],
    _LINE_AT["refund_of"],
)


def _load_lines(
    conn, parser: TableParser, claim_ids, failed: set[str] | None, errors: Errors, progress, cancel
) -> int:
    """Stream lines into the open transaction; keep validating after an error, stop writing.

    ``failed``: the claim ids of claims rows that failed (None: the whole claims file did);
    their lines are not reported as lines of unknown claims."""
    name = parser.name
    seen: dict[str, set[int]] = {}
    refunds: list[tuple[int, str, int]] = []
    batch: list[list] = []
    count = 0
    for number, v, extra in parser.rows():
        cid, line_no = v[_CLAIM], v[_LINE_NO]
        if cid not in claim_ids:
            if failed is not None and cid not in failed:
                errors.add(name, number, "claim_id", "unknown_claim", claim=shown(cid))
            continue
        numbers = seen.get(cid)
        if numbers is None:
            numbers = seen[cid] = set()
        if line_no in numbers:
            errors.add(name, number, "line_no", "duplicate_line", line=line_no, claim=shown(cid))
            continue
        numbers.add(line_no)
        if v[_UNIT_PRICE] < 0:
            errors.add(name, number, "unit_price", "negative_price")
        if v[_REFUND_OF] is not None:
            refunds.append((number, cid, v[_REFUND_OF]))
        elif v[_QUANTITY] < 0:
            errors.add(name, number, "quantity", "negative_quantity")
        count += 1
        if errors:
            continue
        v.append(extra)
        batch.append(v)
        if len(batch) >= parsing.BATCH:
            conn.executemany(store.LINES_INSERT, batch)
            batch.clear()
            cancel.check()
            progress("lines", count, 0)
    for number, cid, target in refunds:
        if target not in seen.get(cid, ()):
            errors.add(name, number, "refund_of", "dangling_refund", line=target, claim=shown(cid))
    if batch and not errors:
        conn.executemany(store.LINES_INSERT, batch)
    progress("lines", count, count)
    return count

"""What a data package holds before it is imported: each file's encoding and header mapping.

The desktop shows this when a package is chosen, so a wrong file or an unmapped column is
seen before anything is read in full.
"""

from __future__ import annotations

import csv
from pathlib import Path

from engine import contract
from engine.ingest.parsing import Errors, TableParser
from engine.ingest.readers import find_file, open_table


def describe_package(package: str | Path) -> list[dict]:
    """One entry per contract table: file, encoding, header → column, unknown and missing;
    ``error``: what keeps the whole file from being read (``中文 | English``), as the import
    will say it."""
    package = Path(package)
    return [
        _describe(package, t) for t in (contract.CLAIMS, contract.LINES, *contract.REFERENCE_TABLES)
    ]


def _describe(package: Path, table: contract.Table) -> dict:
    path = find_file(package, table)
    entry = {"table": table.name, "file": None, "encoding": None, "mapping": {}}
    entry |= {"extra": [], "missing": [], "error": None}
    problems = Errors()
    if path is None:
        if table.required_file:
            problems.add(f"{table.name}.csv", 0, "-", "file_missing")
        return entry | _whole_file_error(problems)
    name = entry["file"] = str(path.relative_to(package))
    try:
        source = open_table(path)
    except UnicodeDecodeError as exc:
        problems.add(name, 0, "-", "not_text", byte=exc.start)
        return entry | _whole_file_error(problems)
    except (OSError, ValueError, csv.Error) as exc:
        problems.add(name, 0, "-", "file_unreadable", detail=str(exc))
        return entry | _whole_file_error(problems)
    parser = TableParser(source, table, name, problems)
    entry["encoding"] = source.encoding
    entry["mapping"] = parser.mapping
    entry["extra"] = [name for _, name in parser.extra]
    entry["missing"] = [
        c.name for c in table.columns if c.required and c.name not in parser.mapping.values()
    ]
    return entry | _whole_file_error(problems)


def _whole_file_error(problems: Errors) -> dict:
    whole_file = [p for p in problems.shown if p.row == 0]
    return {"error": str(whole_file[0])} if whole_file else {}

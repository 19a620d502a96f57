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
    """One entry per contract table: file, encoding, header → column, unknown and missing."""
    package = Path(package)
    out = []
    for table in (contract.CLAIMS, contract.LINES, *contract.REFERENCE_TABLES):
        path = find_file(package, table)
        entry = {"table": table.name, "file": None, "encoding": None, "mapping": {}}
        entry |= {"extra": [], "missing": [], "error": None}
        if path is None:
            entry["error"] = "required file is missing" if table.required_file else None
            out.append(entry)
            continue
        entry["file"] = str(path.relative_to(package))
        try:
            source = open_table(path)
        except (UnicodeDecodeError, OSError, ValueError, csv.Error) as exc:
            entry["error"] = f"cannot read the file: {exc}"
            out.append(entry)
            continue
        parser = TableParser(source, table, entry["file"], Errors())
        entry["encoding"] = source.encoding
        entry["mapping"] = parser.mapping
        entry["extra"] = [name for _, name in parser.extra]
        entry["missing"] = [
            c.name for c in table.columns if c.required and c.name not in parser.mapping.values()
        ]
        out.append(entry)
    return out

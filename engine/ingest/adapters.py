"""Import through a plug-in's adapter when the path is a region's own export, not a package.

An adapter converts the export into a contract package in a temporary folder, which is then
imported (and validated) like any other; the log names the original path and the adapter.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from engine import contract
from engine.errors import UserError
from engine.ingest.loader import ImportResult, import_package
from engine.ingest.readers import find_file
from engine.progress import NEVER, CancelToken, Progress, no_progress
from engine.workspace import Workspace

if TYPE_CHECKING:
    from engine.plugins import PluginSet


def is_package(path: Path) -> bool:
    return path.is_dir() and find_file(path, contract.CLAIMS) is not None


def import_any(
    ws: Workspace,
    path: str | Path,
    *,
    plugins: PluginSet | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken = NEVER,
    replace: bool = False,
    pseudonymise: bool = False,
) -> ImportResult:
    """Import a contract package, or a local export one of the plug-ins' adapters recognises
    (``replace`` and ``pseudonymise`` as ``import_package``'s)."""
    from engine.plugins import or_installed  # not at import: the import's workers need none

    path = Path(path)
    plugins = or_installed(plugins)
    known = plugins.institution_codes()
    options = {
        "progress": progress,
        "cancel": cancel,
        "replace": replace,
        "pseudonymise": pseudonymise,
    }
    if not path.exists():
        raise UserError(f"data package not found: {path}")
    if is_package(path):
        return import_package(ws, path, known_institutions=known, **options)
    for adapter in plugins.import_adapters():
        plugin, name = adapter.plugin, adapter.name
        try:
            recognised = adapter.detect(path)
        except Exception as exc:  # noqa: BLE001 — a plug-in's failure is reported as its own
            raise UserError(f"plug-in {plugin}: adapter {name!r} failed on {path}: {exc}") from exc
        if not recognised:
            continue
        with tempfile.TemporaryDirectory(prefix="yibao-adapter-") as tmp:
            try:
                adapter.convert(path, Path(tmp))
            except UserError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise UserError(
                    f"plug-in {plugin}: adapter {name!r} could not convert {path}: {exc}"
                ) from exc
            result = import_package(
                ws, tmp, known_institutions=known, source=f"{path.resolve()} via {name}", **options
            )
        result.adapter = f"{plugin}: {name}"
        return result
    raise UserError(
        f"{path} is not a data package (no claims.csv or claims.xlsx) and no plug-in's import "
        "adapter recognises it (see: yibao plugins list)"
    )

"""Reports that leave the machine: the analysts' xlsx workbook and the institution's PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import UserError
from engine.files import staged
from engine.plugins import PluginSet, or_installed
from engine.reports.data import ReportData, gather
from engine.workspace import Workspace

if TYPE_CHECKING:
    from engine.reports.doctor_notice import DoctorNotice

FORMATS = (".xlsx", ".pdf")


def write_report(
    ws: Workspace,
    out: str | Path,
    *,
    plugins: PluginSet | None = None,
    institution: str | None = None,
    run_id: str | None = None,
) -> ReportData:
    """Write the report named by ``out``'s suffix; the file appears whole or not at all.
    ``plugins`` (default: the installed ones) name the rules and add their sections."""
    plugins = or_installed(plugins)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"a report is .xlsx or .pdf, not {out.name}")
    if not out.parent.is_dir():
        raise UserError(f"folder not found: {out.parent}")
    data = gather(ws, institution=institution, run_id=run_id, plugins=plugins)
    if suffix == ".xlsx":
        from engine.reports.xlsx import write_xlsx as writer
    else:
        from engine.reports.pdf import write_pdf as writer
    _write_whole(out, lambda path: writer(data, path))
    return data


def write_doctor_notice(
    ws: Workspace,
    out: str | Path,
    doctor_id: str,
    *,
    plugins: PluginSet | None = None,
    year: int | None = None,
) -> DoctorNotice:
    """Write one doctor's 记分告知书 (a PDF) for a scoring year (default: the ledger's)."""
    from engine.reports.doctor_notice import gather_notice, write_notice

    plugins = or_installed(plugins)
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise UserError(f"a doctor's notice (记分告知书) is a .pdf, not {out.name}")
    if not out.parent.is_dir():
        raise UserError(f"folder not found: {out.parent}")
    notice = gather_notice(ws, doctor_id, plugins=plugins, year=year)
    _write_whole(out, lambda path: write_notice(notice, path))
    return notice


def _write_whole(out: Path, write) -> None:
    """``write(path)`` into a private temporary file beside ``out``, then put it in place:
    the file appears whole or not at all, owner-only (it names patients)."""
    with staged(out) as tmp:
        write(tmp)


__all__ = ["FORMATS", "ReportData", "gather", "write_doctor_notice", "write_report"]

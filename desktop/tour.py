"""``yibao desktop --screenshots DIR``: walk the reviewer's journey, then render every page.

Without a workspace the tour builds the demo region in a temporary folder and walks it as a
reviewer would (a finding confirmed with a deduction, one dismissed with a reason, the year
settled), so every page shows what it is for. A workspace given with ``-w`` is only shown,
never changed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QTableView

SIZE = (1280, 720)  # the pictures: a laptop's window


def wait(job) -> None:
    """Run the event loop until ``job`` has ended (its results shown)."""
    if job is not None and not job.ended_already:
        loop = QEventLoop()
        job.ended.connect(loop.quit)
        loop.exec()


def walk(window) -> None:
    """Review two findings of the open workspace and settle the year, through the pages."""
    findings = window.findings_page
    if findings.model.rowCount() >= 2:
        findings.move(0)
        findings.deduction.setText("")
        findings.comment.setText("证据充分，按规定扣款")
        findings.decide("confirm")
        findings.move(1)
        findings.comment.setText("已补充病历，用药有指征")
        findings.decide("dismiss")
    wait(window.settlement_page.run())


def select_first_rows(window) -> None:
    """The first row of every table, so the detail panes show something."""
    for _title, page in window.pages:
        for view in page.findChildren(QTableView):
            if view.model() is not None and view.model().rowCount() and view.isVisibleTo(page):
                view.selectRow(0)


def render(window, folder: Path) -> list[Path]:
    """Each page to ``folder/NN-name.png``."""
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    out = []
    window.resize(*SIZE)
    window.show()
    for number, (_title, page) in enumerate(window.pages, start=1):
        window.show_page(page)
        app.processEvents()
        path = folder / f"{number:02d}-{type(page).__name__.removesuffix('Page').lower()}.png"
        window.grab().save(str(path))
        out.append(path)
    return out


def screenshots(window, folder: Path, workspace: str | None = None) -> list[Path]:
    """Render every page after the journey (on a fresh demo region unless ``workspace``)."""
    if workspace:
        window.ctx.open_workspace(workspace, create=False)
        select_first_rows(window)
        return render(window, folder)
    from engine.demo.run import run_demo

    with tempfile.TemporaryDirectory(prefix="yibao-tour-") as tmp:
        path = Path(tmp) / "demo.yibao"
        run_demo(path)
        window.ctx.open_workspace(path, create=False)
        walk(window)
        select_first_rows(window)
        out = render(window, folder)
        window.ctx.close()
    return out

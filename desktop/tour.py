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
    """Review two findings of the open workspace, settle the year, appraise and monitor it,
    through the pages."""
    findings = window.findings_page
    while findings.model.canFetchMore():
        findings.model.fetchMore()
    on_claims = [r for r in range(findings.model.rowCount()) if findings.model.row(r)["claim_id"]]
    if len(on_claims) >= 2:  # findings on claims: their doctors' points show too
        findings.move(on_claims[0])
        findings.comment.setText("证据充分，按规定扣款")
        findings.decide("confirm")
        findings.move(on_claims[1])
        findings.comment.setText("已补充病历，用药有指征")
        findings.decide("dismiss")
    wait(window.settlement_page.run())
    for name in ("appraisal_page", "monitor_page"):  # pages that compute on request
        page = getattr(window, name, None)
        if page is not None:
            wait(page.run())


def select_first_rows(window, pages=None) -> None:
    """A row of every table chosen (the first, unless the walk chose one), so the detail panes
    show something."""
    for page in pages if pages is not None else [page for _title, page in window.pages]:
        for view in page.findChildren(QTableView):
            if view.model() is None or not view.model().rowCount():
                continue
            if not view.currentIndex().isValid():  # where the walk left off stays chosen
                view.selectRow(0)
            view.scrollTo(view.currentIndex())


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
        # a page that loads (or counts) on a worker when first shown: its result, laid out
        loading = [getattr(page, name, None) for name in ("job", "counting")]
        loading = [job for job in loading if job is not None and not job.ended_already]
        for job in loading:
            wait(job)
        if loading:
            select_first_rows(window, [page])
            app.processEvents()
            app.processEvents()  # the layout requests the new contents posted
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
    from engine import run_demo

    recent = window.ctx.recent()
    with tempfile.TemporaryDirectory(prefix="yibao-tour-") as tmp:
        path = Path(tmp) / "demo.yibao"
        run_demo(path)
        window.ctx.open_workspace(path, create=False)
        walk(window)
        select_first_rows(window)
        out = render(window, folder)
        window.ctx.close()
    window.ctx.settings.setValue("recent", recent)  # not the temporary demo, gone now
    return out

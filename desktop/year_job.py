"""What the pages that compute a year's figures on request share (考核, 基金监测): the year
chooser and the reader job that computes for the chosen year."""

from __future__ import annotations

from collections.abc import Callable

from engine import Workspace, claim_years


def fill_years(combo, reader, caption: str) -> None:
    """The years the workspace has claims in (``caption`` like "{0} 年度"), keeping the one
    chosen."""
    chosen = combo.currentData()
    combo.clear()
    if reader is not None:
        for year in claim_years(reader):
            combo.addItem(caption.format(year), year)
    if chosen is not None and combo.findData(chosen) >= 0:
        combo.setCurrentIndex(combo.findData(chosen))


def start_year_job(page, compute: Callable, title: str, refused: str):
    """``compute(ws, year, plugins=plugins)`` for the page's chosen year on a reader job, shown by the
    page's ``show_result``; ``refused`` is said when there is no workspace or year."""
    if page.ctx.path is None or page.year.currentData() is None:
        page.headline.setText(refused)
        return None
    path, year = page.ctx.path, page.year.currentData()
    plugins = page.ctx.plugins()

    def work(_progress, _cancel):
        with Workspace.open(path, create=False) as ws:
            return compute(ws, year, plugins=plugins)

    return page.ctx.start(
        work,
        page.progress,
        succeeded=page.show_result,
        failed=lambda msg, _e: page.headline.setText(msg),
        button=page.run_button,
        title=title,
        writes=False,
    )

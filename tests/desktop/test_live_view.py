"""What the pages show stays current: tables read a page at a time without pinning the reader's
snapshot, every page refreshes on one signal, and writing jobs wait their turn in a queue."""

import threading

import pytest
from qt_helpers import run_job

from desktop import lazy_table
from desktop.widgets import ProgressRow
from engine.workspace import Workspace


@pytest.fixture
def small_pages(monkeypatch):
    """Two rows a page: the sample's four findings fill two pages."""
    monkeypatch.setattr(lazy_table, "PAGE", 2)


def shown(model, row, column):
    return model.data(model.index(row, column))


def test_a_half_read_table_does_not_hide_later_writes(window, sample_path, small_pages):
    window.ctx.open_workspace(sample_path)
    model = window.claims_page.model
    assert model.rowCount() == 2 and model.canFetchMore()  # 8 claims: 4 pages, 1 read
    with Workspace.open(sample_path) as ws, ws.transaction():
        ws.conn.execute(
            "UPDATE claims SET main_diagnosis = 'Z99.999' WHERE claim_id = ?",
            (model.row(0)["claim_id"],),
        )
    # The reader must see the write although the table has more pages to read.
    reader = window.ctx.reader
    assert reader.execute(
        "SELECT main_diagnosis FROM claims WHERE claim_id = ?", (model.row(0)["claim_id"],)
    ).fetchone() == ("Z99.999",)
    window.ctx.changed()
    assert shown(model, 0, 6) == "Z99.999"


def test_a_decision_on_page_three_shows_in_the_table_and_the_log(
    window, qtbot, sample_path, small_pages
):
    window.ctx.open_workspace(sample_path)
    run_job(qtbot, window.audit_page.run())
    page = window.findings_page
    assert page.model.rowCount() == 2
    page.move(3)  # scrolls to the second page
    assert page.model.rowCount() == 4 and page.view.currentIndex().row() == 3
    claim = page.model.row(3)["claim_id"]
    assert page.decide("confirm")
    assert shown(page.model, 3, 6) == "确认违规"  # the row, still loaded, shows the decision
    assert page.model.rowCount() == 4  # read in place: nothing scrolled away
    page.move(2)
    page.comment.setText("材料齐全")
    assert page.decide("dismiss")
    assert shown(page.model, 2, 6) == "不予认定"
    log = window.reports_page.log
    assert shown(log, 0, 2) == "审核结论"  # the newest entry first, without reopening
    assert shown(log, 0, 4).endswith("对 1 个疑点作出结论：不予认定：材料齐全")
    assert claim in {page.model.row(r)["claim_id"] for r in range(4)}


def test_writing_jobs_wait_their_turn_and_a_waiting_job_can_be_cancelled(
    window, qtbot, sample_path
):
    window.ctx.open_workspace(sample_path)
    release, ran = threading.Event(), []

    def first(_progress, _cancel):
        release.wait(30)
        ran.append("first")

    def second(_progress, _cancel):
        ran.append("second")

    def third(_progress, _cancel):
        ran.append("third")

    rows = [ProgressRow() for _ in range(3)]
    jobs = []
    for work, row in zip((first, second, third), rows, strict=True):
        jobs.append(
            window.ctx.start(
                work, row, succeeded=lambda _r: None, failed=print, title=work.__name__
            )
        )
    qtbot.waitUntil(jobs[0].isRunning)
    queue = window.ctx.queue()
    assert queue.running is jobs[0] and queue.waiting == jobs[1:]
    assert rows[1].label.text() == "排队等待其他任务结束…"
    assert window.queue_button.text() == "后台任务 3 个"
    cancelled = []
    jobs[1].cancelled.connect(lambda: cancelled.append(True))
    window.ctx.cancel(jobs[1])
    assert queue.waiting == [jobs[2]]
    run_job(qtbot, jobs[1])
    assert cancelled == [True] and not jobs[2].isRunning()
    release.set()
    run_job(qtbot, jobs[0])
    run_job(qtbot, jobs[2])
    assert ran == ["first", "third"]
    assert window.queue_button.text() == "无后台任务"


def test_reading_jobs_do_not_queue(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    release = threading.Event()
    writer = window.ctx.start(
        lambda _p, _c: release.wait(30), ProgressRow(), succeeded=print, failed=print
    )
    qtbot.waitUntil(writer.isRunning)
    got = []
    reader = window.ctx.start(
        lambda _p, _c: 42, ProgressRow(), succeeded=got.append, failed=print, writes=False
    )
    run_job(qtbot, reader)
    assert got == [42] and writer.isRunning()
    release.set()
    run_job(qtbot, writer)


def test_every_page_refreshes_on_the_one_signal(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    run_job(qtbot, window.audit_page.run())
    qtbot.waitUntil(lambda: "最近一次审核疑点 4 条" in window.workspace_page.summary.text())
    run_job(qtbot, window.audit_page.run())  # a second run: still the latest run's five
    qtbot.waitUntil(lambda: "批次 2" in window.workspace_page.summary.text())
    assert "最近一次审核疑点 4 条" in window.workspace_page.summary.text()
    hits = []  # the signal's older name is the same signal
    window.ctx.data_changed.connect(lambda: hits.append(1))
    window.ctx.changed()
    assert hits == [1]


def test_a_decision_waits_for_a_running_writer_instead_of_blocking(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    run_job(qtbot, window.audit_page.run())
    release = threading.Event()
    writer = window.ctx.start(
        lambda _p, _c: release.wait(30), ProgressRow(), succeeded=print, failed=print
    )
    qtbot.waitUntil(writer.isRunning)
    page = window.findings_page
    page.view.selectRow(0)
    assert page.decide("confirm")
    assert "已排队" in page.status.text()
    with Workspace.open(sample_path) as ws:
        assert ws.conn.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
    release.set()
    run_job(qtbot, writer)
    run_job(qtbot, page.queued)
    assert page.status.text() == "已记录 1 条审核结论。"
    assert shown(page.model, 0, 6) == "确认违规"


def test_a_hidden_page_refreshes_when_it_is_shown(window, qtbot, sample_path):
    from PySide6.QtWidgets import QWidget

    calls = []
    page = QWidget()
    window.stack.addWidget(page)
    window.ctx.on_change(page, lambda: calls.append(window.ctx.path))
    window.show()
    qtbot.waitExposed(window)
    window.ctx.open_workspace(sample_path)  # another workspace: at once, seen or not
    assert calls == [sample_path]
    window.ctx.changed()  # a change nobody looking at the page can see: later
    assert calls == [sample_path]
    window.stack.setCurrentWidget(page)
    assert calls == [sample_path, sample_path]
    window.ctx.changed()  # seen: at once
    assert len(calls) == 3

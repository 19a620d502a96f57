"""The window fits a 1366×768 laptop, keeps each user's sizes, and sizes columns to content."""

from PySide6.QtWidgets import QTableView
from qt_helpers import run_job

from desktop.app import build


def test_the_window_fits_a_laptop_screen_with_its_status_line(window):
    assert window.width() <= 1366 and window.height() <= 768 - 40 - 30  # task bar, title
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 680
    assert window.statusBar().isVisibleTo(window)


def test_sizes_are_restored_for_the_user(qtbot, settings):
    first = build(settings, language="zh_CN")
    qtbot.addWidget(first)
    first.resize(700, 560)
    split = first.findings_page.findChild(type(first.splitters()[0][1]))
    split.setSizes([150, 400])
    first.close()
    second = build(settings, language="zh_CN")
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 560)
    assert second.findings_page.findChild(type(split)).sizes()[0] < 200
    first.ctx.close()
    second.ctx.close()


def test_columns_are_as_wide_as_their_content_and_no_wider_than_a_cap(window, qtbot, sample_path):
    window.ctx.open_workspace(sample_path)
    run_job(qtbot, window.audit_page.run())
    for _title, page in window.pages:
        for view in page.findChildren(QTableView):
            model = view.model()
            for column in range(model.columnCount() - 1):  # the last one stretches
                assert view.columnWidth(column) <= 320, (type(page).__name__, column)
    view = window.findings_page.view
    assert view.columnWidth(3) >= view.sizeHintForColumn(3) - 1  # a code with its rule name


def test_the_new_words_have_english(qtbot, settings):
    english = build(settings, language="en")
    qtbot.addWidget(english)
    assert english.queue_button.text() == "No background jobs"
    assert english.settings_page.notice_box.title() == "Notice (this workspace)"
    assert english.findings_page.model.headers[3] == "Rule"
    english.ctx.close()

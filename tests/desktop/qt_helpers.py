"""Helpers of the desktop tests."""


def column_texts(table, name: str) -> list[str]:
    """The cells of a ``ColumnTable``'s column ``name``, top to bottom."""
    column = table.position(name)
    return [table.item(r, column).text() for r in range(table.rowCount())]


def run_job(qtbot, job, timeout=60_000):
    """Wait until a page's job has ended and its signals have reached the UI thread.

    ``ended`` is QThread's ``finished`` passed on by the UI thread after the job's result
    signals: once it fired, the page has shown the result."""
    assert job is not None
    if not job.ended_already:
        with qtbot.waitSignal(job.ended, timeout=timeout):
            pass
    return job

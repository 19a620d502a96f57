"""Helpers of the desktop tests."""


def run_job(qtbot, job, timeout=60_000):
    """Wait until a page's job has finished and its signals have reached the UI thread."""
    assert job is not None
    qtbot.waitUntil(job.isFinished, timeout=timeout)
    qtbot.wait(50)  # the job's queued signals are delivered by the event loop
    return job

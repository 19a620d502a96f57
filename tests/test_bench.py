"""``yibao bench``: the stages it times and the figures it reports (not how fast they are)."""

import builtins
import json
import os
import subprocess
import sys
import threading

import pytest

from engine import cli
from engine.demo import bench


def test_bench_reports_each_stage_as_the_issue_asks(capsys):
    code = cli.main(["bench", "--lines", "3000", "--cases", "300", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"lines", "claims", "stages", "peak_rss_mb"}
    assert list(out["stages"]) == ["import", "audit", "settle"]
    assert out["stages"]["import"]["items"] == out["lines"] > 2000
    for stage in out["stages"].values():
        assert set(stage) == {"items", "unit", "seconds", "per_second", "peak_rss_mb"}
        if sys.platform == "linux":
            assert 50 < stage["peak_rss_mb"] <= out["peak_rss_mb"]
        # seconds are reported to the millisecond, so a fast stage's rate is known only to
        # within that rounding: the rate must lie between items / (seconds ± 0.0005)
        low = stage["items"] / (stage["seconds"] + 0.0005)
        high = stage["items"] / max(stage["seconds"] - 0.0005, 1e-9)
        assert low - 1 <= stage["per_second"] <= high + 1
    assert out["peak_rss_mb"] > 50


def test_peak_memory_without_the_resource_module_is_none_not_a_crash(monkeypatch):
    real_import = builtins.__import__

    def no_resource(name, *args, **kwargs):
        if name == "resource":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_resource)
    peak = bench.process_peak_rss_mb()
    if sys.platform == "win32":
        assert peak > 0
    else:
        assert peak is None


@pytest.mark.skipif(sys.platform != "linux", reason="the tree is sampled from /proc")
def test_the_sampled_peak_counts_a_worker_process_with_this_one():
    """A child holding 200 MB is part of the tree's resident set (getrusage would only give
    the largest child's peak, summed with this process's peak at another moment)."""
    from engine.demo.memory import tree_rss_bytes

    before = tree_rss_bytes(os.getpid())
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; b = bytearray(200 << 20); sys.stdout.write('ok\\n');"
            " sys.stdout.flush(); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline() == "ok\n"  # the child holds its 200 MB now
        during = tree_rss_bytes(os.getpid())
    finally:
        child.communicate("")
    assert during - before > 190 << 20


@pytest.mark.skipif(sys.platform != "linux", reason="the tree is sampled from /proc")
def test_sampling_leaves_the_measured_process_as_it_runs_for_users():
    """The sampler is a process: a sampling thread would make the engine start its workers
    from a fork server (``processes.context``), which is not what a user's import does."""
    from engine.demo.memory import TreePeak

    threads = threading.active_count()
    with TreePeak() as peak:
        assert threading.active_count() == threads
        held = b"x" * (300 << 20)
    assert len(held) and peak.mb > 300


def test_bench_encrypt_shows_the_cost_of_encryption(capsys):
    assert cli.main(["bench", "--lines", "2000", "--cases", "100", "--encrypt", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out["encrypted"]) == ["import", "audit"]
    for name, stage in out["encrypted"].items():
        assert stage["items"] == out["stages"][name]["items"]
        assert stage["times_plain"] == round(stage["seconds"] / out["stages"][name]["seconds"], 2)

"""A regional plug-in that fails to load is never silent: audit, settle and report warn naming
it and its error, the run records it, and --require-plugin makes it an error."""

import json

import pytest

from engine.cli import main
from engine.dip.settlement import settle
from engine.errors import UserError
from engine.plugins import load_plugins
from engine.reports import write_report
from engine.rules import run_audit

BROKEN = "PLUGIN_NAME = 'shenzhen'\nPLUGIN_API = 1\nraise ImportError('no module named szlib')\n"


@pytest.fixture
def broken(_isolated_plugins):
    (_isolated_plugins / "shenzhen.py").write_text(BROKEN, encoding="utf-8")


def test_engine_runs_name_the_failed_plugin_and_record_it(broken, sample_ws, tmp_path):
    plugins = load_plugins()
    audit = run_audit(sample_ws, plugins=plugins)
    assert any("shenzhen" in p and "szlib" in p for p in audit.problems)
    summary = sample_ws.conn.execute(
        "SELECT summary FROM runs WHERE run_id = ?", (audit.run_id,)
    ).fetchone()[0]
    assert json.loads(summary)["plugin_failures"][0]["name"] == "shenzhen"
    out = settle(sample_ws, plugins=plugins)
    assert any("szlib" in p for p in out["problems"])
    recorded = sample_ws.conn.execute(
        "SELECT summary FROM runs WHERE run_id = ?", (out["run_id"],)
    ).fetchone()[0]
    assert "szlib" in json.loads(recorded)["plugin_failures"][0]["error"]
    data = write_report(sample_ws, tmp_path / "r.xlsx", plugins=plugins)
    assert any("szlib" in p for p in data.problems)


@pytest.mark.parametrize(
    "argv",
    [["audit"], ["settle"], ["report", "--out", "r.xlsx"]],
    ids=["audit", "settle", "report"],
)
def test_every_command_warns_and_require_plugin_stops_it(
    broken, sample_ws, tmp_path, monkeypatch, capsys, argv
):
    path = str(sample_ws.path)
    sample_ws.close()
    monkeypatch.chdir(tmp_path)
    assert main([*argv, "-w", path, "--json"]) == 0
    err = capsys.readouterr().err
    assert "shenzhen" in err and "szlib" in err and err.count("szlib") == 1
    assert main([*argv, "-w", path, "--require-plugin", "shenzhen"]) == 2
    assert "required plug-in shenzhen" in capsys.readouterr().err


def test_require_plugin_passes_when_it_loads(sample_ws):
    with pytest.raises(UserError, match="required plug-in nowhere"):
        load_plugins(require=["nowhere"])
    assert load_plugins(require=["national"]).problems() == []

"""Plug-in hooks are called through pluggy: only ``@hookimpl`` functions run, a hook that raises
or returns the wrong type is reported by its plug-in's name and left out while the work goes
on, and a drop-in never takes a library's place."""

import json
import sys
import textwrap

import pytest

from engine.cli import main
from engine.errors import UserError
from engine.plugins import load_plugins

HEAD = """
from engine.hookspecs import hookimpl

PLUGIN_NAME = "{name}"
PLUGIN_API = 1
"""


def _dropin(folder, name, body, file=None):
    source = HEAD.format(name=name) + textwrap.dedent(body)
    (folder / f"{file or name}.py").write_text(source, encoding="utf-8")


def test_a_dropin_named_like_a_library_does_not_shadow_it(_isolated_plugins):
    import openpyxl

    _dropin(
        _isolated_plugins,
        "shadow_city",
        """
        @hookimpl
        def yibao_rule_parameters(params):
            return {"split_stay_days": 21}
        """,
        file="openpyxl",
    )
    plugins = load_plugins()
    assert plugins.rule_parameters({})["split_stay_days"] == 21  # it loaded and is used
    assert sys.modules["openpyxl"] is openpyxl
    assert hasattr(sys.modules["openpyxl"], "Workbook")


def test_an_unmarked_function_is_not_called(_isolated_plugins):
    _dropin(
        _isolated_plugins,
        "plain_city",
        """
        def yibao_rule_parameters(params):
            raise AssertionError("an unmarked function was called")

        def yibao_fact_fields(register):
            raise AssertionError("an unmarked function was called")
        """,
    )
    plugins = load_plugins()
    plugins.rule_parameters({})
    assert plugins.fact_fields() == []
    assert plugins.failures() == []  # a call would have raised, and been recorded


FAULTY = {
    "raising_city": """
        @hookimpl
        def yibao_fact_fields(register):
            raise RuntimeError("szlib is missing")
        """,
    "wrong_type_city": """
        @hookimpl
        def yibao_rule_parameters(params):
            return ["split_stay_days", 40]
        """,
    "bad_field_city": """
        @hookimpl
        def yibao_fact_fields(register):
            register("ward", "night_bed", len, "not a scope")
        """,
}


@pytest.fixture
def faulty(_isolated_plugins):
    for name, body in FAULTY.items():
        _dropin(_isolated_plugins, name, body)


def test_failing_hooks_are_reported_by_name_and_left_out(faulty):
    plugins = load_plugins()
    assert plugins.problems() == []  # they all loaded
    assert plugins.fact_fields() == []
    assert plugins.rule_parameters({})["split_stay_days"] != 40
    errors = {f["name"]: f for f in plugins.failures()}
    assert errors["raising_city"]["hook"] == "yibao_fact_fields"
    assert "RuntimeError: szlib is missing" in errors["raising_city"]["error"]
    assert "not a dict" in errors["wrong_type_city"]["error"]
    assert "scope must be one of" in errors["bad_field_city"]["error"]
    assert {i.name for i in plugins.active} == {"national"}
    problems = "\n".join(plugins.problems())
    assert all(name in problems for name in FAULTY)
    with pytest.raises(UserError, match="required plug-in raising_city failed"):
        load_plugins(require=["raising_city"]).fact_fields()


def test_the_audit_completes_and_says_which_plugins_failed(faulty, sample_ws, capsys):
    path = str(sample_ws.path)
    sample_ws.close()
    assert main(["audit", "-w", path, "--json"]) == 0
    err = capsys.readouterr().err
    for name in FAULTY:
        assert f"warning: 插件 {name} 运行出错" in err
    assert "Traceback" not in err
    assert main(["plugins", "list", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)["plugins"]}
    assert "szlib is missing" in listed["raising_city"]["error"]
    assert listed["national"]["error"] is None

"""Rule parameters are typed by their definitions; templates may name fields, nothing more."""

import math
import textwrap

import pytest

from engine.cli import main
from engine.errors import UserError
from engine.national import PARAMETER_DEFINITIONS, RULE_PARAMETERS
from engine.parameters import ParamDef, definitions
from engine.plugins import load_plugins
from engine.rules import expr, run_audit
from engine.rules.catalogue import PARAMS_SETTING, rule_parameters
from engine.rules.ruleset import RuleFileError, load_file
from engine.rules.template import render


@pytest.mark.parametrize("bad", ["15", math.nan, math.inf, True, 15.5, 0, 10_000, [15], None])
def test_a_workspace_value_of_the_wrong_type_or_range_is_refused(sample_ws, plugins, bad):
    with sample_ws.transaction():
        sample_ws.set_setting(PARAMS_SETTING, {"split_stay_days": bad})
    with pytest.raises(UserError, match="split_stay_days must be a whole number from 1 to 365"):
        run_audit(sample_ws, plugins=plugins)
    assert sample_ws.count("runs") == 0


def test_a_whole_float_is_a_whole_number(sample_ws, plugins):
    with sample_ws.transaction():
        sample_ws.set_setting(PARAMS_SETTING, {"split_stay_days": 20.0, "indicator_z": 3})
    params = rule_parameters(sample_ws, plugins)
    assert params["split_stay_days"] == 20 and isinstance(params["split_stay_days"], int)
    assert params["indicator_z"] == 3


def test_every_national_default_fits_its_own_definition():
    for d in PARAMETER_DEFINITIONS:
        assert d.check(d.default) == RULE_PARAMETERS[d.name]
        assert d.label_zh and d.label_en


def test_nan_never_reaches_sql_as_a_name():
    cond = expr.parse_condition("los_days > param.split_stay_days")
    with pytest.raises(expr.ExprError):
        expr.to_sql(cond, {"split_stay_days": math.nan}, {"los_days"})


def _plugin(folder, body):
    (folder / "typed_city.py").write_text(
        textwrap.dedent(
            """
            from engine.hookspecs import hookimpl
            from engine.parameters import ParamDef

            PLUGIN_NAME = "typed_city"
            PLUGIN_API = 1
            """
        )
        + textwrap.dedent(body),
        encoding="utf-8",
    )


def test_a_plugin_value_of_the_wrong_type_is_an_error_naming_it(_isolated_plugins):
    _plugin(
        _isolated_plugins,
        """
        @hookimpl
        def yibao_rule_parameters(params):
            return {"split_stay_days": "40"}
        """,
    )
    with pytest.raises(UserError, match="plug-in typed_city: rule parameter split_stay_days"):
        load_plugins().rule_parameters({})


def test_a_plugin_defines_its_own_parameter_and_the_workspace_is_held_to_it(
    _isolated_plugins, sample_ws
):
    _plugin(
        _isolated_plugins,
        """
        @hookimpl
        def yibao_parameter_definitions(register):
            register(ParamDef("night_visits", "int", 3, min=1, max=10, label_zh="夜间就诊次数"))

        @hookimpl
        def yibao_rule_parameters(params):
            return {"night_visits": 3}
        """,
    )
    plugins = load_plugins()
    assert definitions(plugins)["night_visits"] == ParamDef(
        "night_visits", "int", 3, min=1, max=10, label_zh="夜间就诊次数"
    )
    with sample_ws.transaction():
        sample_ws.set_setting(PARAMS_SETTING, {"night_visits": 11})
    with pytest.raises(UserError, match="night_visits must be a whole number from 1 to 10"):
        rule_parameters(sample_ws, plugins)


def test_settings_command_sets_checks_and_unsets(sample_ws, capsys):
    path = str(sample_ws.path)
    sample_ws.close()
    assert main(["settings", "set", "split_stay_days", '"15"', "-w", path]) == 2
    assert "must be a whole number" in capsys.readouterr().err
    assert main(["settings", "set", "split_stay_days", "NaN", "-w", path]) == 2
    assert main(["settings", "set", "no_such_thing", "1", "-w", path]) == 2
    assert main(["settings", "set", "split_stay_days", "20", "-w", path, "--json"]) == 0
    assert '"value": 20' in capsys.readouterr().out
    assert main(["settings", "list", "-w", path, "--json"]) == 0
    assert '"set_by": "workspace"' in capsys.readouterr().out
    assert main(["settings", "unset", "split_stay_days", "-w", path]) == 0


RULE = """
id: t
version: "1"
title: t
rules:
  - id: r1
    code: T1
    severity: violation
    scope: line
    when: amount > 0
    message: {message}
"""


@pytest.mark.parametrize(
    "message,reason",
    [
        ("'{claim_id.__class__.__mro__}'", "nothing else"),
        ("'{param.__class__}'", "nothing else"),
        ("'{claim_id[0]}'", "nothing else"),
        ("'{amount:>99999999}'", "too wide"),
        ("'{amount:.999f}'", "too wide"),
        ("'{claim_id!r}'", "conversions"),
        ("'{}'", "nothing else"),
        ("'{amount:{claim_id}}'", "not a plain"),
    ],
)
def test_a_template_may_name_fields_and_parameters_only(tmp_path, message, reason):
    path = tmp_path / "t.yaml"
    path.write_text(RULE.format(message=message), encoding="utf-8")
    with pytest.raises(RuleFileError, match=reason):
        load_file(path, "test")


def test_plain_fields_parameters_and_bounded_specs_render():
    fact = {"amount": 12.5, "share": 0.256, "param": {"split_stay_days": 15}}
    text = "{amount:>10.2f}|{share:.1%}|{param[split_stay_days]}|{missing}|{missing:.2f}"
    assert render(text, fact) == "     12.50|25.6%|15|-|-"


def test_every_reader_of_the_workspace_values_checks_them(sample_ws, plugins):
    from engine.accountability.ledger import for_workspace
    from engine.rules.listing import rules_in_force

    with sample_ws.transaction():
        sample_ws.set_setting(PARAMS_SETTING, {"warn_points": "4"})
    for read in (
        lambda: for_workspace(sample_ws),
        lambda: for_workspace(sample_ws, plugins=plugins),
        lambda: rules_in_force(plugins, sample_ws),
    ):
        with pytest.raises(UserError, match="warn_points must be a whole number"):
            read()

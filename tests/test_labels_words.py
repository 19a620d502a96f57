"""Every parameter a reviewer can set has a Chinese label and help text (engine.labels)."""

from engine.dip.params import DEFAULTS, REQUIRED
from engine.labels import HELP, TABLES, help_text, label
from engine.plugins import load_plugins


def test_every_rule_parameter_has_a_label_and_help():
    names = set(load_plugins().rule_parameters({}))
    assert names
    assert names - set(TABLES["rule_parameter"]) == set()
    assert names - set(HELP["rule_parameter"]) == set()
    assert label("rule_parameter", "split_stay_days") == "分解住院间隔（天）"
    assert "再次入院" in help_text("rule_parameter", "split_stay_days")
    assert help_text("rule_parameter", "nothing") == ""


def test_every_dip_parameter_has_a_label():
    assert set(DEFAULTS) | set(REQUIRED) <= set(TABLES["dip_parameter"])

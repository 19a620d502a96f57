"""Every parameter a reviewer can set has Chinese words: a rule parameter a label and help
text in its definition (engine.parameters), a DIP parameter a label in engine.labels."""

from engine.dip.params import DEFAULTS, REQUIRED
from engine.labels import TABLES
from engine.parameters import known
from engine.plugins import load_plugins


def test_every_rule_parameter_has_a_label_and_help():
    definitions = known(load_plugins())
    assert definitions
    unexplained = {n for n, d in definitions.items() if not (d.label_zh and d.help_zh)}
    assert unexplained == set()
    assert "再次入院" in definitions["split_stay_days"].help_zh


def test_every_dip_parameter_has_a_label():
    assert set(DEFAULTS) | set(REQUIRED) <= set(TABLES["dip_parameter"])

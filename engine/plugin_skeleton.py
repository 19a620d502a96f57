"""``yibao plugins new``: a working regional plug-in to start from.

The skeleton is what ``plugins/example_city`` shows, reduced to the parts every region needs:
the package with its name and API version, an empty rule file with a commented example, a data
folder with the contract's headers only, and a test that loads the plug-in and checks and tests
its rules. ``yibao plugins install`` accepts it as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

from engine.errors import UserError

NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")

_INIT = '''"""{name}: the regional plug-in of pooling region {region}.

Each hook below is one kind of local difference (see engine/hookspecs.py for all of them).
"""

from __future__ import annotations

import csv
from pathlib import Path

from engine.hookspecs import hookimpl

PLUGIN_NAME = "{name}"
PLUGIN_API = {api}
__version__ = "0.1.0"
REGION_CODE = "{region}"

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

# Local values of the national rule parameters (see `yibao rules list`), e.g.
# "split_stay_days": 30. Empty: the national defaults apply.
RULE_PARAMETERS: dict = {{}}


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@hookimpl
def yibao_rulesets(register):
    register(HERE / "rules")


@hookimpl
def yibao_reference_data(register):
    # catalogue additions of the region: one row per item, the contract's columns
    register("catalogue", _rows("catalogue.csv"))


@hookimpl
def yibao_rule_parameters(params):
    return RULE_PARAMETERS


@hookimpl
def yibao_dip_parameters(params):
    return {{"region_code": REGION_CODE}}
'''

_RULES = """id: {name}.local
version: "0.1"
title: {{zh: {name} 地方规则, en: {name} local rules}}
basis: 《{region} 医疗保障局 地方审核规则》
rules: []
# A rule, with the examples `yibao rules test` checks (remove the [] above and the #s):
#  - id: eye_drops_outpatient_only
#    code: DF0001
#    name: {{zh: 眼药水限门诊使用, en: Eye drops for outpatients only}}
#    severity: violation
#    scope: line
#    when: item_code == 'XS01XXX000A001010100001' and visit_type == 'inpatient'
#    message:
#      zh: "{{item_name}}限门诊使用，本次为住院"
#      en: "{{item_name}} is for outpatients only; this is an inpatient stay"
#    examples:
#      - {{expect: finding, fact: {{item_code: XS01XXX000A001010100001, visit_type: inpatient,
#          item_name: 眼药水, amount: 12.5}}, amount: 12.5}}
#      - {{expect: none, fact: {{item_code: XS01XXX000A001010100001, visit_type: outpatient}}}}
"""

_TEST = '''"""The plug-in loads, and its rules pass `yibao rules check` and their own examples."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "{name}"


def _yibao(*args):
    env = dict(os.environ, YIBAO_PLUGINS_DIR=str(HERE.parent))
    return subprocess.run(
        [sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True, env=env
    )


def test_the_plugin_loads():
    out = _yibao("plugins", "list", "--json")
    assert out.returncode == 0, out.stderr
    assert '"name": "{name}"' in out.stdout and '"error": null' in out.stdout


def test_its_rules_are_valid_and_pass_their_examples():
    check = _yibao("rules", "check", str(PACKAGE / "rules"))
    assert check.returncode == 0, check.stdout + check.stderr
    test = _yibao("rules", "test", str(PACKAGE / "rules"))
    assert test.returncode == 0, test.stdout + test.stderr
'''

_PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "yibao-{dash}"
version = "0.1.0"
description = "yibao regional plug-in for pooling region {region}"
requires-python = ">=3.11,<3.13"
dependencies = ["yibao"]

[project.entry-points."yibao.plugins"]
{name} = "{name}"

[tool.setuptools.packages.find]
include = ["{name}*"]

[tool.setuptools.package-data]
{name} = ["data/*.csv", "rules/*.yaml"]
"""

_README = """# {name} — yibao plug-in of pooling region {region}

- `{name}/rules/` — the region's rule files (format: `yibao rules list --markdown`, and the
  field reference in yibao's `rulesets/README.md`); each rule carries `examples:`.
- `{name}/data/catalogue.csv` — catalogue additions (the contract's columns).
- `{name}/__init__.py` — rule parameters and DIP parameters of the region.

The loop: edit a rule, then

    yibao rules check {name}/rules          # every field and parameter known
    yibao rules test {name}/rules           # the rules' own examples
    yibao rules try -w case.yibao {name}/rules/local.yaml   # a dry run on real data
    yibao plugins sign . --key region.key   # before shipping
    yibao plugins install .                 # on each laptop
"""


def write_skeleton(name: str, where: Path, region: str = "000000") -> Path:
    """Write the plug-in folder ``where/name`` and return it; refuse an existing one."""
    from engine.contract import BY_NAME
    from engine.hookspecs import PLUGIN_API

    if not NAME.match(name):
        raise UserError(
            f"plug-in name {name!r}: use 2–40 lower-case letters, digits and _, starting with a"
            " letter (it becomes a Python package name)"
        )
    if not re.fullmatch(r"\d{6}", region):
        raise UserError(f"--region {region!r}: a pooling region is a 6-digit code")
    root = where / name
    if root.exists():
        raise UserError(f"{root} exists; choose another name or folder")
    values = {"name": name, "region": region, "api": PLUGIN_API, "dash": name.replace("_", "-")}
    package = root / name
    files = {
        root / "pyproject.toml": _PYPROJECT,
        root / "README.md": _README,
        package / "__init__.py": _INIT,
        package / "rules" / "local.yaml": _RULES,
        root / "tests" / f"test_{name}.py": _TEST,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(**values), encoding="utf-8")
    data = package / "data"
    data.mkdir()
    headers = [column.name for column in BY_NAME["catalogue"].columns]
    (data / "catalogue.csv").write_text(",".join(headers) + "\n", encoding="utf-8")
    return root

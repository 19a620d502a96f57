"""Each discovery path loads a plug-in; a wrong API version and duplicate rule ids are refused."""

import textwrap
import zipfile

import pytest

from engine.errors import UserError
from engine.plugins import load_plugins
from engine.rules import run_audit
from engine.rules.catalogue import load_rulebook


def plugin_source(name: str, api: int = 1, rules: str | None = None) -> str:
    """A plug-in module that raises the split-stay window and may ship a rule file."""
    ruleset = ""
    if rules is not None:
        ruleset = f"""
        @hookimpl
        def yibao_rulesets(register):
            import pathlib, tempfile
            path = pathlib.Path(tempfile.mkdtemp()) / "{name}.yaml"
            path.write_text({rules!r}, encoding="utf-8")
            register(path)
        """
    return textwrap.dedent(
        f"""
        from engine.hookspecs import hookimpl

        PLUGIN_NAME = "{name}"
        PLUGIN_API = {api}
        __version__ = "2.1"

        @hookimpl
        def yibao_rule_parameters(params):
            return {{"split_stay_days": 40}}
        """
    ) + textwrap.dedent(ruleset)


def _info(name):
    plugins = load_plugins()
    return plugins, next(i for i in plugins.infos if i.name == name)


def test_dropin_file(_isolated_plugins):
    (_isolated_plugins / "file_city.py").write_text(plugin_source("file_city"), encoding="utf-8")
    plugins, info = _info("file_city")
    assert (info.source, info.version, info.error) == ("drop-in file", "2.1", None)
    assert plugins.rule_parameters({})["split_stay_days"] == 40


def test_dropin_folder(_isolated_plugins):
    package = _isolated_plugins / "folder_city"
    package.mkdir()
    (package / "__init__.py").write_text(plugin_source("folder_city"), encoding="utf-8")
    plugins, info = _info("folder_city")
    assert (info.source, info.error) == ("drop-in folder", None)
    assert plugins.rule_parameters({})["split_stay_days"] == 40


def test_wheel(_isolated_plugins):
    wheel = _isolated_plugins / "wheel_city-2.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("wheel_city/__init__.py", plugin_source("wheel_city"))
        archive.writestr(
            "wheel_city-2.1.dist-info/METADATA", "Metadata-Version: 2.1\nName: wheel-city\n"
        )
    plugins, info = _info("wheel_city")
    assert (info.source, info.error) == ("wheel", None)
    assert plugins.rule_parameters({})["split_stay_days"] == 40


def test_entry_point(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "ep_city").mkdir(parents=True)
    (site / "ep_city" / "__init__.py").write_text(plugin_source("ep_city"), encoding="utf-8")
    meta = site / "ep_city-2.1.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: ep-city\nVersion: 2.1\n")
    (meta / "entry_points.txt").write_text("[yibao.plugins]\nep_city = ep_city\n")
    monkeypatch.syspath_prepend(str(site))
    plugins, info = _info("ep_city")
    assert (info.source, info.location, info.error) == ("entry point", "ep_city", None)
    assert plugins.rule_parameters({})["split_stay_days"] == 40
    assert "ep_city" not in load_plugins(exclude=["ep_city"]).versions()


def test_wrong_api_version_is_refused_with_a_clear_message(_isolated_plugins):
    (_isolated_plugins / "future_city.py").write_text(
        plugin_source("future_city", api=2), encoding="utf-8"
    )
    plugins, info = _info("future_city")
    assert "written for plug-in API 2, this yibao provides API 1" in info.error
    assert "future_city@2.1" not in plugins.versions()
    assert plugins.rule_parameters({}).get("split_stay_days") != 40


RULE = """
id: {set_id}
version: "1"
title: t
rules:
  - id: {rule_id}
    code: L9
    severity: violation
    scope: line
    when: amount > 100000
    message: m
{extra}"""


def test_two_plugins_defining_one_rule_id_is_an_error_naming_both(_isolated_plugins, sample_ws):
    for name in ("city_a", "city_b"):
        rules = RULE.format(set_id="shared", rule_id="big", extra="")
        (_isolated_plugins / f"{name}.py").write_text(
            plugin_source(name, rules=rules), encoding="utf-8"
        )
    with pytest.raises(UserError, match="shared.big is defined by both city_a .* and city_b"):
        load_rulebook(load_plugins())


def test_a_rule_may_override_another_plugins_rule(_isolated_plugins, sample_ws):
    base = RULE.format(set_id="shared", rule_id="big", extra="")
    local = RULE.format(set_id="shared", rule_id="big", extra="    overrides: shared.big\n")
    local = local.replace("amount > 100000", "amount > 1")
    (_isolated_plugins / "city_a.py").write_text(plugin_source("city_a", rules=base))
    (_isolated_plugins / "city_b.py").write_text(plugin_source("city_b", rules=local))
    plugins = load_plugins()
    rules = [r for r in load_rulebook(plugins).rules() if r.id == "shared.big"]
    assert len(rules) == 1 and rules[0].overrides == "shared.big"
    assert any(f.code == "L9" for f in run_audit(sample_ws, plugins=plugins).findings)

"""`plugins install` never deletes outside the plug-in folder, never copies a secret in through a
link, swaps a new version in whole, and leaves nothing installed that does not load."""

import os
import shutil

import pytest

from engine import plugins as plugin_api
from engine.errors import UserError
from tests.test_plugin_discovery import plugin_source


def _folder_plugin(where, name, source=None):
    package = where / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(source or plugin_source(name), encoding="utf-8")
    return package


@pytest.mark.parametrize("given", ["", ".", "..", "../", "sub/.."])
def test_dot_names_are_refused_and_nothing_is_deleted(_isolated_plugins, monkeypatch, given):
    installed = _folder_plugin(_isolated_plugins, "kept_city")
    above = _isolated_plugins.parent / "keep.txt"
    above.write_text("precious", encoding="utf-8")
    (_isolated_plugins / "sub").mkdir()
    monkeypatch.chdir(_isolated_plugins / "sub")
    with pytest.raises(UserError, match="cannot install"):
        plugin_api.install(given)
    assert above.read_text(encoding="utf-8") == "precious"
    assert (installed / "__init__.py").is_file()


def test_a_link_out_of_the_source_is_not_copied_in(_isolated_plugins, tmp_path):
    secret = tmp_path / "secret.key"
    secret.write_text("the inspector's key", encoding="utf-8")
    source = _folder_plugin(tmp_path / "src", "link_city")
    (source / "data.txt").symlink_to(secret)
    with pytest.raises(UserError, match="outside the plug-in"):
        plugin_api.install(source)
    assert not (_isolated_plugins / "link_city").exists()
    assert list(_isolated_plugins.iterdir()) == []


def test_a_link_inside_the_source_is_copied_as_its_content(_isolated_plugins, tmp_path):
    source = _folder_plugin(tmp_path / "src", "inner_city")
    (source / "real.txt").write_text("data", encoding="utf-8")
    (source / "alias.txt").symlink_to(source / "real.txt")
    target = plugin_api.install(source)
    assert not (target / "alias.txt").is_symlink()
    assert (target / "alias.txt").read_text(encoding="utf-8") == "data"


def test_a_plugin_that_does_not_load_is_not_left_installed(_isolated_plugins, tmp_path):
    broken = _folder_plugin(tmp_path / "src", "broken_city", "def oops(:\n")
    with pytest.raises(UserError, match="does not load"):
        plugin_api.install(broken)
    assert list(_isolated_plugins.iterdir()) == []


def test_a_broken_update_keeps_the_old_version(_isolated_plugins, tmp_path):
    plugin_api.install(_folder_plugin(tmp_path / "v1", "same_city"))
    broken = _folder_plugin(tmp_path / "v2", "same_city", "raise RuntimeError('v2 is broken')\n")
    with pytest.raises(UserError, match="v2 is broken"):
        plugin_api.install(broken)
    info = next(i for i in plugin_api.load_plugins().infos if i.name == "same_city")
    assert info.error is None
    assert sorted(p.name for p in _isolated_plugins.iterdir()) == ["same_city"]


def test_an_interrupted_copy_keeps_the_old_version(_isolated_plugins, tmp_path, monkeypatch):
    plugin_api.install(_folder_plugin(tmp_path / "v1", "swap_city"))
    newer = _folder_plugin(tmp_path / "v2", "swap_city")
    (newer / "more.txt").write_text("v2", encoding="utf-8")

    copy = shutil.copytree

    def killed(src, dst, *args, **kwargs):
        copy(src, dst, *args, **kwargs)
        raise KeyboardInterrupt  # a kill once the new copy is made, before the swap

    monkeypatch.setattr(shutil, "copytree", killed)
    with pytest.raises(KeyboardInterrupt):
        plugin_api.install(newer)
    assert sorted(p.name for p in _isolated_plugins.iterdir()) == ["swap_city"]
    assert not (_isolated_plugins / "swap_city" / "more.txt").exists()


def test_installing_replaces_the_old_version_whole(_isolated_plugins, tmp_path):
    first = _folder_plugin(tmp_path / "v1", "whole_city")
    (first / "old.txt").write_text("v1", encoding="utf-8")
    plugin_api.install(first)
    target = plugin_api.install(_folder_plugin(tmp_path / "v2", "whole_city"))
    assert not (target / "old.txt").exists()
    assert sorted(p.name for p in _isolated_plugins.iterdir()) == ["whole_city"]


def test_a_kill_between_the_two_renames_keeps_the_old_version(
    _isolated_plugins, tmp_path, monkeypatch
):
    plugin_api.install(_folder_plugin(tmp_path / "v1", "mid_city"))
    newer = _folder_plugin(tmp_path / "v2", "mid_city")
    replace, calls = os.replace, []

    def interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the old one is set aside; the new one not yet in place
            raise KeyboardInterrupt
        replace(src, dst)

    monkeypatch.setattr(plugin_api.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        plugin_api.install(newer)
    monkeypatch.setattr(plugin_api.os, "replace", replace)
    assert sorted(p.name for p in _isolated_plugins.iterdir()) == ["mid_city"]


def test_what_a_killed_install_set_aside_comes_back(_isolated_plugins, tmp_path):
    aside = _folder_plugin(_isolated_plugins, ".left_city.old-1234abcd", plugin_source("left_city"))
    (_isolated_plugins / ".left_city.installing-1234abcd").mkdir()
    broken = _folder_plugin(tmp_path / "v2", "left_city", "raise RuntimeError('v2')\n")
    with pytest.raises(UserError, match="does not load"):
        plugin_api.install(broken)
    assert not aside.exists()
    assert sorted(p.name for p in _isolated_plugins.iterdir()) == ["left_city"]
    info = next(i for i in plugin_api.load_plugins().infos if i.name == "left_city")
    assert info.error is None


def test_a_signed_file_keeps_its_signature_when_an_update_fails(_isolated_plugins, tmp_path):
    (tmp_path / "v1").mkdir()
    first = tmp_path / "v1" / "sig_city.py"
    first.write_text(plugin_source("sig_city"), encoding="utf-8")
    plugin_api.install(first)
    signature = _isolated_plugins / "sig_city.py.sig.json"
    signature.write_text('{"old": true}', encoding="utf-8")
    (tmp_path / "v2").mkdir()
    broken = tmp_path / "v2" / "sig_city.py"
    broken.write_text("raise RuntimeError('v2')\n", encoding="utf-8")
    (tmp_path / "v2" / "sig_city.py.sig.json").write_text('{"new": true}', encoding="utf-8")
    with pytest.raises(UserError, match="does not load"):
        plugin_api.install(broken)
    assert signature.read_text(encoding="utf-8") == '{"old": true}'
    assert "sig_city" in (_isolated_plugins / "sig_city.py").read_text(encoding="utf-8")

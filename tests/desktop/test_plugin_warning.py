"""The desktop names a regional plug-in that did not load, with its error, in the status bar."""


def test_a_plugin_that_did_not_load_is_named_in_the_status_bar(_isolated_plugins, request):
    (_isolated_plugins / "shenzhen.py").write_text(
        "raise ImportError('no module named szlib')\n", encoding="utf-8"
    )
    window = request.getfixturevalue("window")
    assert "shenzhen" in window.plugin_warning.text()
    assert "szlib" in window.plugin_warning.toolTip()
    (_isolated_plugins / "shenzhen.py").unlink()
    window.ctx.plugins_changed()
    assert window.plugin_warning.text() == ""

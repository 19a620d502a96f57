"""The engine's public API: what ``engine``'s docstring lists is importable from ``engine``."""

import subprocess
import sys

import engine


def test_every_listed_name_is_exported_and_every_export_listed():
    for name in engine.__all__:
        assert getattr(engine, name) is not None, name
        assert f"``{name}``" in engine.__doc__, name
    assert sorted(engine._HOMES) == sorted(engine.__all__)
    assert engine.special.decide and engine.Workspace.open and engine.pseudonym.describe
    # a function named like its module is the function, not the module
    functions = (engine.monitor, engine.rank, engine.appraise, engine.notice_settings)
    assert all(callable(f) for f in functions)
    assert engine.APPRAISAL_PARTS[0] == "compliance" and "doctor" in engine.RANK_BY


def test_the_api_imports_no_front_end():
    code = (
        "import sys, engine\n"
        "for name in engine.__all__: getattr(engine, name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('desktop', 'PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

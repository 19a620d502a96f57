"""The packaged app: build it with PyInstaller, then use it with no Python environment at all."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "data" / "sample"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    if shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[test]' installs it)")
    work = tmp_path_factory.mktemp("pyinstaller")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pyinstaller"),
            "--noconfirm",
            "--log-level=WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "desktop" / "packaging" / "yibao.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    app = work / "dist" / "yibao" / "yibao"
    assert app.is_file()
    return app


def run(app: Path, home: Path, *args: str, **env_vars: str) -> subprocess.CompletedProcess:
    """Run the frozen app with a bare environment: no virtualenv, no PYTHONPATH."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.update(env_vars)
    return subprocess.run(
        [str(app), *args], env=env, capture_output=True, text=True, timeout=600, cwd=home
    )


def test_frozen_selftest_passes(frozen, tmp_path):
    done = run(frozen, tmp_path, "selftest")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "selftest passed" in done.stdout
    assert run(frozen, tmp_path, "--version").stdout.startswith("yibao ")


def test_frozen_cli_matches_the_unfrozen_one(frozen, tmp_path):
    ws = tmp_path / "w.yibao"
    # converted in a worker process of the frozen app, then audited in three lanes: two more
    imported = run(frozen, tmp_path, "import", str(SAMPLE), "-w", str(ws), YIBAO_IMPORT_WORKER="1")
    assert imported.returncode == 0, imported.stderr
    frozen_audit = run(frozen, tmp_path, "audit", "-w", str(ws), "--json", YIBAO_AUDIT_LANES="3")
    assert frozen_audit.returncode == 0, frozen_audit.stderr
    here = tmp_path / "here.yibao"
    env = {**os.environ, "YIBAO_PLUGINS_DIR": str(tmp_path / "none")}
    cli = [sys.executable, "-m", "engine.cli"]
    subprocess.run(cli + ["import", str(SAMPLE), "-w", str(here)], check=True, env=env)
    unfrozen = subprocess.run(
        cli + ["audit", "-w", str(here), "--json"], capture_output=True, text=True, env=env
    )

    def key(out):
        return sorted(
            (f["code"], f["claim_id"] or "", f["amount"]) for f in json.loads(out)["findings"]
        )

    assert key(frozen_audit.stdout) == key(unfrozen.stdout)
    settled = run(frozen, tmp_path, "settle", "-w", str(ws), "--json")
    assert json.loads(settled.stdout)["point_value"] == 23.8287


def test_frozen_app_lists_a_dropin_beside_it(frozen, tmp_path):
    folder = frozen.parent / "plugins"
    folder.mkdir(exist_ok=True)
    (folder / "beside_city.py").write_text(
        "import csv, json\nfrom engine.hookspecs import hookimpl\n"
        "PLUGIN_NAME = 'beside_city'\nPLUGIN_API = 1\n__version__ = '0.3'\n"
        "@hookimpl\ndef yibao_rule_parameters(params):\n    return {'split_stay_days': 20}\n",
        encoding="utf-8",
    )
    listed = run(frozen, tmp_path, "plugins", "list", "--json")
    plugins = {p["name"]: p for p in json.loads(listed.stdout)["plugins"]}
    assert plugins["beside_city"]["error"] is None
    assert plugins["beside_city"]["source"] == "drop-in file"


def test_frozen_desktop_renders_its_pages(frozen, tmp_path):
    ws = tmp_path / "w.yibao"
    run(frozen, tmp_path, "import", str(SAMPLE), "-w", str(ws))
    shots = tmp_path / "shots"
    done = run(frozen, tmp_path, "desktop", "-w", str(ws), "--screenshots", str(shots))
    assert done.returncode == 0, done.stderr
    names = {p.stem.split("-", 1)[1] for p in shots.glob("*.png")}
    # every page of the window; those below at least (pages are added as the product grows)
    assert {
        "workspace",
        "import",
        "claims",
        "rules",
        "audit",
        "findings",
        "settlement",
        "doctors",
        "plugins",
        "reports",
        "settings",
    } <= names


def test_frozen_app_honours_the_trusted_keys_beside_it(frozen, tmp_path):
    """A field kit carries its region's public key in trusted_keys/: the frozen app then loads
    only drop-ins signed with it."""
    env = {**os.environ, "YIBAO_PLUGINS_DIR": str(tmp_path / "none")}
    cli = [sys.executable, "-m", "engine.cli"]
    subprocess.run(
        cli + ["plugins", "keygen", "--out", str(tmp_path / "region")],
        check=True,
        env=env,
        capture_output=True,
    )
    plugins, keys = frozen.parent / "plugins", frozen.parent / "trusted_keys"
    signed = plugins / "signed_city"
    signed.mkdir(parents=True, exist_ok=True)
    (signed / "__init__.py").write_text(
        "PLUGIN_NAME = 'signed_city'\nPLUGIN_API = 1\n__version__ = '1.0'\n", encoding="utf-8"
    )
    subprocess.run(
        cli + ["plugins", "sign", str(signed), "--key", str(tmp_path / "region.key")],
        check=True,
        env=env,
        capture_output=True,
    )
    (plugins / "unsigned_city.py").write_text(
        "PLUGIN_NAME = 'unsigned_city'\nPLUGIN_API = 1\n", encoding="utf-8"
    )
    keys.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "region.pub", keys / "region.pub")
    try:
        listed = json.loads(run(frozen, tmp_path, "plugins", "list", "--json").stdout)
    finally:
        shutil.rmtree(keys)
        shutil.rmtree(signed)
        (plugins / "unsigned_city.py").unlink()
    by_location = {Path(p["location"]).name: p for p in listed["plugins"]}
    assert by_location["signed_city"]["error"] is None
    assert by_location["signed_city"]["signer"].startswith("region")
    assert "it is not signed" in by_location["unsigned_city.py"]["error"]

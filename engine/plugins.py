"""Plug-in discovery and the contributions of the plug-ins in use.

Sources, in order: the built-in national baseline (``engine.national``), the ``yibao.plugins``
entry-point group, and drop-in plug-ins — ``$YIBAO_PLUGINS_DIR`` if set, else the user's
data folder, plus a ``plugins/`` folder beside a packaged executable. A drop-in is a single
``.py`` file, a package folder, or a wheel/zip. A plug-in that fails to import or register,
or declares another API version, is recorded with its error and skipped.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import shutil
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pluggy

from engine import hookspecs, signing
from engine.errors import UserError

ENTRY_POINT_GROUP = "yibao.plugins"
DIR_ENV = "YIBAO_PLUGINS_DIR"
BUILTIN = ("engine.national",)


@dataclass
class PluginInfo:
    name: str
    version: str
    source: str  # builtin, entry point, drop-in file, drop-in folder, wheel
    location: str
    enabled: bool = True
    error: str | None = None
    contributes: dict[str, int] = field(default_factory=dict)
    module: ModuleType | None = None
    signer: str | None = None  # who signed a drop-in (engine.signing), when it verified
    warning: str | None = None  # e.g. an unsigned drop-in loaded where no key is trusted

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "location": self.location,
            "enabled": self.enabled,
            "contributes": self.contributes,
            "error": self.error,
            "signer": self.signer,
            "warning": self.warning,
        }


def user_plugin_dir() -> Path:
    env = os.environ.get(DIR_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("yibao", appauthor=False)) / "plugins"


def plugin_dirs() -> list[Path]:
    dirs = [user_plugin_dir()]
    if getattr(sys, "frozen", False):
        dirs.append(Path(sys.executable).resolve().parent / "plugins")
    return dirs


def _import_dropin(path: Path) -> tuple[ModuleType, str]:
    """Import a drop-in plug-in from a .py file, a package folder, or a wheel/zip."""
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as archive:
            tops = {
                n.split("/")[0]
                for n in archive.namelist()
                if "/" in n and not n.split("/")[0].endswith((".dist-info", ".data"))
            } | {n[:-3] for n in archive.namelist() if "/" not in n and n.endswith(".py")}
        if len(tops) != 1:
            raise ImportError(
                f"a plug-in archive must hold one top-level module, found {sorted(tops)}"
            )
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
        name = tops.pop()
        return importlib.import_module(name), "wheel"
    if path.is_dir():
        init = path / "__init__.py"
        inner = path / path.name / "__init__.py"
        if not init.is_file() and inner.is_file():
            # a source distribution folder: <name>/<name>/__init__.py (e.g. with pyproject.toml)
            path, init = path / path.name, inner
        spec = importlib.util.spec_from_file_location(
            path.name, init, submodule_search_locations=[str(path)]
        )
        kind = "drop-in folder"
    else:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        kind = "drop-in file"
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)
        raise
    return module, kind


def _dropin_candidates(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    out = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.suffix in (".py", ".whl", ".zip") or (
            entry.is_dir()
            and (
                (entry / "__init__.py").is_file() or (entry / entry.name / "__init__.py").is_file()
            )
        ):
            out.append(entry)
    return out


class PluginSet:
    """The plug-ins in use for one command, and what they contribute."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: list[PluginInfo] = []

    # --- registration -------------------------------------------------------------------
    def _add(self, module: ModuleType, source: str, location: str, enabled: bool) -> None:
        name = getattr(module, "PLUGIN_NAME", module.__name__)
        version = str(getattr(module, "__version__", "0"))
        info = PluginInfo(name, version, source, location, enabled, module=module)
        api = getattr(module, "PLUGIN_API", None)
        if any(i.name == name and i.error is None for i in self.infos):
            info.error = f"a plug-in named {name!r} is already loaded; this copy is skipped"
        elif api != hookspecs.PLUGIN_API:
            info.error = (
                f"written for plug-in API {api!r}, this yibao provides API "
                f"{hookspecs.PLUGIN_API}; ask its author for an update"
            )
        elif enabled:
            try:
                self.pm.register(module, name=name)
            except Exception as exc:  # noqa: BLE001 — a broken plug-in is reported, not fatal
                info.error = f"cannot register: {exc}"
        self.infos.append(info)

    def _failed(self, name: str, source: str, location: str, exc: BaseException) -> None:
        self.infos.append(
            PluginInfo(name, "?", source, location, False, f"{type(exc).__name__}: {exc}")
        )

    @property
    def active(self) -> list[PluginInfo]:
        return [i for i in self.infos if i.enabled and i.error is None]

    def versions(self) -> list[str]:
        return [f"{i.name}@{i.version}" for i in self.active]

    def failures(self) -> list[dict]:
        """The plug-ins that did not load (or register), with their errors, for a run's record."""
        return [
            {"name": i.name, "location": i.location, "error": i.error}
            for i in self.infos
            if i.error is not None
        ]

    def problems(self) -> list[str]:
        """One warning for each plug-in that did not load: work goes on without it, never
        silently (``--require-plugin`` makes it an error)."""
        return [
            f"插件 {f['name']} 加载失败，本次未使用 (plug-in {f['name']} did not load and is not"
            f" used): {f['error']} [{f['location']}]"
            for f in self.failures()
        ]

    def require(self, names: Iterable[str]) -> None:
        """Refuse to go on unless every named plug-in loaded and is in use."""
        active = {i.name for i in self.active}
        for name in names:
            if name in active:
                continue
            failed = next((f for f in self.failures() if f["name"] == name), None)
            reason = failed["error"] if failed else "no plug-in of that name is installed"
            raise UserError(f"required plug-in {name} is not in use (必需的插件未加载): {reason}")

    # --- contributions ------------------------------------------------------------------
    def _collect(self, hook_name: str) -> list[tuple[str, tuple]]:
        """Call a register-style hook of every active plug-in, in load order."""
        items: list[tuple[str, tuple]] = []
        for info in self.active:
            impl = getattr(info.module, hook_name, None)
            if impl is None:
                continue
            impl(lambda *args, _n=info.name: items.append((_n, args)))
        return items

    def rule_paths(self) -> list[tuple[str, Path]]:
        return [(name, Path(args[0])) for name, args in self._collect("yibao_rulesets")]

    def reference_data(self) -> list[tuple[str, str, list[dict]]]:
        return [
            (name, args[0], list(args[1])) for name, args in self._collect("yibao_reference_data")
        ]

    def fact_fields(self) -> list[tuple[str, str, str, Callable, str]]:
        return [(name, *args) for name, args in self._collect("yibao_fact_fields")]

    def import_adapters(self) -> list[tuple[str, str, Callable, Callable]]:
        return [(name, *args) for name, args in self._collect("yibao_import_adapters")]

    def report_sections(self) -> list[tuple[str, str, Callable]]:
        return [(name, *args) for name, args in self._collect("yibao_report_sections")]

    def _merged(self, hook_name: str, base: dict, sources: dict | None = None) -> dict:
        """Each plug-in's values over the ones before; ``sources`` (when given) records which
        plug-in set each key last."""
        merged = dict(base)
        for info in self.active:
            impl = getattr(info.module, hook_name, None)
            if impl is None:
                continue
            update = impl(dict(merged))
            if update:
                merged.update(update)
                if sources is not None:
                    sources.update(dict.fromkeys(update, info.name))
        return merged

    def parameter_definitions(self) -> list:
        """Each active plug-in's rule parameter definitions, in load order."""
        from engine.parameters import ParamDef

        out = []
        for name, args in self._collect("yibao_parameter_definitions"):
            definition = args[0]
            if isinstance(definition, dict):
                definition = ParamDef(**definition)
            if not isinstance(definition, ParamDef) or definition.type not in ("int", "float"):
                raise UserError(f"plug-in {name}: a parameter definition must be a ParamDef")
            out.append(definition)
        return out

    def rule_parameters(self, base: dict, sources: dict | None = None) -> dict:
        """The rule parameters of every plug-in, later ones over earlier ones, each value
        checked against its definition (a wrong one is an error naming the plug-in)."""
        from engine.parameters import definitions, inferred

        defs = definitions(self)
        merged = dict(base)
        for info in self.active:
            impl = getattr(info.module, "yibao_rule_parameters", None)
            update = impl(dict(merged)) if impl is not None else None
            if not update:
                continue
            if not isinstance(update, dict):
                raise UserError(f"plug-in {info.name}: yibao_rule_parameters must return a dict")
            for name, value in update.items():
                defs.setdefault(name, inferred(name, value))
                merged[name] = defs[name].check(value, f"plug-in {info.name}")
            if sources is not None:
                sources.update(dict.fromkeys(update, info.name))
        return merged

    def dip_parameters(self, base: dict) -> dict:
        return self._merged("yibao_dip_parameters", base)

    def dip_point_value(self, total_points, budget, fund_ratio, params):
        return self.pm.hook.yibao_dip_point_value(
            total_points=total_points, budget=budget, fund_ratio=fund_ratio, params=params
        )

    def has_case_factor(self) -> bool:
        return any(hasattr(i.module, "yibao_case_factor") for i in self.active)

    def case_factors(self, case: dict) -> list[tuple[str, float]]:
        """Each active plug-in's factor for a DIP case (None and 1.0 left out), in load order."""
        out = []
        for info in self.active:
            impl = getattr(info.module, "yibao_case_factor", None)
            if impl is None:
                continue
            try:
                factor = impl(dict(case))
            except Exception as exc:  # noqa: BLE001 — name the plug-in, not a traceback
                raise UserError(
                    f"plug-in {info.name}: yibao_case_factor failed on {case.get('claim_id')}:"
                    f" {type(exc).__name__}: {exc}"
                ) from exc
            if factor is None or factor == 1.0:
                continue
            if isinstance(factor, bool) or not isinstance(factor, int | float) or factor < 0:
                raise UserError(
                    f"plug-in {info.name}: yibao_case_factor returned {factor!r} for"
                    f" {case.get('claim_id')}; a factor is a number ≥ 0"
                )
            out.append((info.name, float(factor)))
        return out

    def case_factor(self, case: dict) -> float:
        """The product of the plug-ins' factors of a DIP case (1.0 when none applies)."""
        product = 1.0
        for _name, factor in self.case_factors(case):
            product *= factor
        return product

    def institution_codes(self) -> set[str]:
        return {
            row.get("institution_code")
            for _, table, rows in self.reference_data()
            if table == "institutions"
            for row in rows
        }

    def describe(self) -> None:
        """Fill in what each active plug-in contributes (for ``plugins list``)."""
        counts: dict[str, dict[str, int]] = {}
        for hook, label in (
            ("yibao_rulesets", "rule files"),
            ("yibao_reference_data", "reference tables"),
            ("yibao_fact_fields", "fact fields"),
            ("yibao_import_adapters", "import adapters"),
            ("yibao_report_sections", "report sections"),
        ):
            for name, _ in self._collect(hook):
                counts.setdefault(name, {}).setdefault(label, 0)
                counts[name][label] += 1
        for info in self.active:
            for hook, label in (
                ("yibao_rule_parameters", "rule parameters"),
                ("yibao_dip_parameters", "DIP parameters"),
            ):
                impl = getattr(info.module, hook, None)
                if impl is not None:
                    counts.setdefault(info.name, {})[label] = len(impl({}) or {})
            if getattr(info.module, "yibao_dip_point_value", None):
                counts.setdefault(info.name, {})["point value method"] = 1
            info.contributes = counts.get(info.name, {})


def load_plugins(
    only: Iterable[str] = (), exclude: Iterable[str] = (), require: Iterable[str] = ()
) -> PluginSet:
    """Discover every plug-in; ``only`` keeps just those regional plug-ins, ``exclude`` drops,
    and each of ``require`` must load (else a UserError naming it and its error)."""
    only, exclude = set(only), set(exclude)
    plugins = PluginSet()

    def wanted(name: str, builtin: bool) -> bool:
        if name in exclude:
            return False
        return builtin or not only or name in only

    for module_name in BUILTIN:
        module = importlib.import_module(module_name)
        plugins._add(module, "builtin", module_name, wanted(module.PLUGIN_NAME, True))
    try:
        entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # noqa: BLE001
        entry_points = []
    for ep in entry_points:
        try:
            module = ep.load()
        except BaseException as exc:  # noqa: BLE001 — a plug-in's import error is its own
            plugins._failed(ep.name, "entry point", ep.value, exc)
            continue
        name = getattr(module, "PLUGIN_NAME", ep.name)
        plugins._add(module, "entry point", ep.value, wanted(name, False))
    keys = signing.trusted_keys()
    for folder in plugin_dirs():
        for path in _dropin_candidates(folder):
            verdict = signing.verify(path, keys) if keys else None
            if verdict is not None and verdict.problem:
                # refused before a line of it runs
                plugins._failed(path.stem, "drop-in", str(path), SignatureRefused(verdict.problem))
                continue
            try:
                module, kind = _import_dropin(path)
            except BaseException as exc:  # noqa: BLE001
                plugins._failed(path.stem, "drop-in", str(path), exc)
                continue
            name = getattr(module, "PLUGIN_NAME", module.__name__)
            plugins._add(module, kind, str(path), wanted(name, False))
            info = plugins.infos[-1]
            if verdict is not None:
                info.signer = verdict.signer
            elif not signing.manifest_path(path).is_file():
                info.warning = "unsigned drop-in (no trusted keys are set, so it was loaded)"
    known = {i.name for i in plugins.infos}
    missing = only - known
    if missing:
        raise UserError(f"no plug-in named {', '.join(sorted(missing))} (see: yibao plugins list)")
    plugins.require(require)
    return plugins


class SignatureRefused(Exception):
    """A drop-in refused because trusted keys are set and its signature does not hold."""


def _refuse_outside_links(source: Path) -> None:
    """A link inside a plug-in folder may point within it; one pointing out (to a secret
    file, say) is refused rather than followed and copied in."""
    root = source.resolve()
    for folder, dirs, files in os.walk(source):
        for entry in dirs + files:
            path = Path(folder) / entry
            if not path.is_symlink():
                continue
            aim = path.resolve()
            if not aim.is_relative_to(root) or Path(folder).resolve().is_relative_to(aim):
                raise UserError(
                    f"not installed: {path} is a link to {os.readlink(path)}, outside the "
                    "plug-in (or a loop back into it)"
                )


def _install_target(path: str | Path, folder: Path) -> Path:
    """Where ``path`` goes in ``folder``: a plain name of its own, never the folder itself,
    its parent, or anything outside it."""
    text = str(path).rstrip("/\\")
    name = Path(text).name if text else ""
    if name in ("", ".", "..") or name.startswith((".", "_")):
        raise UserError(
            f"cannot install {str(path)!r}: name the plug-in's own folder or file "
            "(e.g. plugins/example_city), not '.', '..' or a hidden name"
        )
    target = folder / name
    if target.resolve().parent != folder.resolve():
        raise UserError(f"cannot install {name!r}: it would land outside {folder}")
    return target


def install(path: str | Path) -> Path:
    """Copy a plug-in (folder, .py, wheel or zip) into the user drop-in folder.

    The copy is made beside the target under a hidden name and swapped in with
    ``os.replace``, so a kill mid-install leaves the old version (or nothing) in place; a
    plug-in that does not load once installed is taken out again and the old one restored.
    """
    folder = user_plugin_dir()
    target = _install_target(path, folder)
    source = Path(path)
    if not source.exists():
        raise UserError(f"no such plug-in file or folder: {source}")
    if not (source.is_dir() or source.suffix in (".py", ".whl", ".zip")):
        raise UserError("a plug-in is a folder, a .py file, a wheel or a zip")
    if source.resolve() == target.resolve():
        raise UserError(f"{source} is already in the plug-in folder")
    if source.is_dir():
        _refuse_outside_links(source)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _recover(folder, target.name)
    stamp = uuid.uuid4().hex[:8]
    fresh = folder / f".{target.name}.installing-{stamp}"
    # what the new copy replaces: the plug-in and a single file's signature beside it
    replaced = [
        (path, folder / f".{path.name}.old-{stamp}")
        for path in (target, target.with_name(target.name + signing.SIDECAR))
        if path.exists() or path.is_symlink()
    ]

    def put_back() -> None:
        for path, aside in replaced:
            if aside.exists() or aside.is_symlink():
                if path.exists() or path.is_symlink():
                    remove_path(path)
                os.replace(aside, path)

    try:
        if source.is_dir():
            shutil.copytree(
                source,
                fresh,
                symlinks=False,
                ignore=shutil.ignore_patterns(*signing.NOT_INSTALLED),
            )
        else:
            shutil.copy2(source, fresh)
        for path, aside in replaced:
            os.replace(path, aside)
        os.replace(fresh, target)
        sidecar = signing.manifest_path(source)
        if source.is_file() and sidecar.is_file():
            shutil.copy2(sidecar, signing.manifest_path(target))
    except BaseException:
        if fresh.exists():
            remove_path(fresh)
        put_back()
        raise
    info = next((i for i in load_plugins().infos if i.location == str(target)), None)
    problem = "it was not found" if info is None else info.error
    if problem:
        remove_path(target)
        signing.manifest_path(target).unlink(missing_ok=True)  # a single file's signature
        put_back()
        raise UserError(f"{source} was not installed: it does not load: {problem}")
    for _path, aside in replaced:
        remove_path(aside)
    return target


def _recover(folder: Path, name: str) -> None:
    """Finish what an install killed mid-swap left: the old version set aside comes back if
    nothing took its place, and half-made copies go."""
    for stale in folder.glob(f".{name}.installing-*"):
        remove_path(stale)
    for aside in folder.glob(f".{name}*.old-*"):
        original = folder / aside.name[1:].rsplit(".old-", 1)[0]
        if original.exists() or original.is_symlink():
            remove_path(aside)
        else:
            os.replace(aside, original)


def remove_path(target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink()


def remove(name: str) -> Path:
    """Remove a drop-in plug-in by its plug-in name (or file/folder name)."""
    folder = user_plugin_dir()
    for info in load_plugins().infos:
        location = Path(info.location)
        if info.name == name and location.parent == folder:
            remove_path(location)
            return location
    for path in _dropin_candidates(folder):
        if path.stem == name or path.name == name:
            remove_path(path)
            return path
    raise UserError(f"no drop-in plug-in named {name!r} in {folder}")

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
import zipimport
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import pluggy

from engine import hookspecs, signing
from engine.contributions import (
    FactField,
    ImportAdapter,
    ParameterDefinition,
    ReferenceRows,
    ReportSection,
    RuleFiles,
)
from engine.errors import UserError
from engine.parameters import definitions, inferred

ENTRY_POINT_GROUP = "yibao.plugins"
DIR_ENV = "YIBAO_PLUGINS_DIR"
BUILTIN = ("engine.national",)
#: The package drop-ins are imported under (``yibao_dropins.<file name>``), so a drop-in
#: named like a library (``openpyxl.py``) never takes that library's place.
DROPIN_PACKAGE = "yibao_dropins"

R = TypeVar("R")


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
    failed_hook: str | None = None  # the hook that failed when called (then ``error``)

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


def use_plugin_dir(folder: str | os.PathLike, unless_set: bool = False) -> None:
    """Take drop-in plug-ins from ``folder`` in this process (and the processes it starts);
    ``unless_set``: not when ``YIBAO_PLUGINS_DIR`` already names one (it wins over a saved
    choice). Plug-ins loaded before are not reloaded: call ``load_plugins`` again."""
    if unless_set:
        os.environ.setdefault(DIR_ENV, str(folder))
    else:
        os.environ[DIR_ENV] = str(folder)


def plugin_dirs() -> list[Path]:
    dirs = [user_plugin_dir()]
    if getattr(sys, "frozen", False):
        dirs.append(Path(sys.executable).resolve().parent / "plugins")
    return dirs


def _import_dropin(path: Path) -> tuple[ModuleType, str]:
    """Import a drop-in plug-in from a .py file, a package folder, or a wheel/zip, as
    ``yibao_dropins.<name>``: never on ``sys.path``, never under a library's name."""
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
        # zipimport finds a module by the last part of its name: the top-level one
        spec = zipimport.zipimporter(str(path)).find_spec(f"{DROPIN_PACKAGE}.{tops.pop()}")
        kind = "wheel"
    elif path.is_dir():
        init = path / "__init__.py"
        inner = path / path.name / "__init__.py"
        if not init.is_file() and inner.is_file():
            # a source distribution folder: <name>/<name>/__init__.py (e.g. with pyproject.toml)
            path, init = path / path.name, inner
        spec = importlib.util.spec_from_file_location(
            f"{DROPIN_PACKAGE}.{path.name}", init, submodule_search_locations=[str(path)]
        )
        kind = "drop-in folder"
    else:
        spec = importlib.util.spec_from_file_location(f"{DROPIN_PACKAGE}.{path.stem}", path)
        kind = "drop-in file"
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    if DROPIN_PACKAGE not in sys.modules:
        package = ModuleType(DROPIN_PACKAGE, "The drop-in plug-ins, each under its own name.")
        package.__path__ = []
        sys.modules[DROPIN_PACKAGE] = package
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)
        raise
    return module, kind


def _plugin_name(module: ModuleType) -> str:
    """Its ``PLUGIN_NAME``, else its module name (a drop-in's: its file or folder name)."""
    return getattr(module, "PLUGIN_NAME", module.__name__.removeprefix(DROPIN_PACKAGE + "."))


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
        self.required: set[str] = set()  # a failure of one of these is an error (require)

    # --- registration -------------------------------------------------------------------
    def _add(self, module: ModuleType, source: str, location: str, enabled: bool) -> None:
        name = _plugin_name(module)
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
            {"name": i.name, "location": i.location, "error": i.error, "hook": i.failed_hook}
            for i in self.infos
            if i.error is not None
        ]

    def problems(self) -> list[str]:
        """One warning for each plug-in that did not load, or failed when called: work goes
        on without it, never silently (``--require-plugin`` makes it an error)."""
        return [
            (
                f"插件 {f['name']} 运行出错，本次未使用 (plug-in {f['name']} failed and is not"
                if f["hook"]
                else f"插件 {f['name']} 加载失败，本次未使用 (plug-in {f['name']} did not load and is not"
            )
            + f" used): {f['error']} [{f['location']}]"
            for f in self.failures()
        ]

    def require(self, names: Iterable[str]) -> None:
        """Refuse to go on unless every named plug-in loaded and is in use."""
        self.required |= set(names)
        active = {i.name for i in self.active}
        for name in self.required:
            if name in active:
                continue
            failed = next((f for f in self.failures() if f["name"] == name), None)
            reason = failed["error"] if failed else "no plug-in of that name is installed"
            raise UserError(f"required plug-in {name} is not in use (必需的插件未加载): {reason}")

    # --- calling hooks ------------------------------------------------------------------
    def _impls(self, hook_name: str) -> list[pluggy.HookImpl]:
        """The active plug-ins' ``@hookimpl`` functions of a hook, in registration (load)
        order: what a merge needs, later plug-ins over earlier ones. An unmarked function of
        the same name is no implementation and is never called."""
        impls = getattr(self.pm.hook, hook_name).get_hookimpls()
        return [i for i in impls if not (i.hookwrapper or i.wrapper)]

    def _call(
        self,
        impl: pluggy.HookImpl,
        hook_name: str,
        kwargs: dict,
        check: Callable[[object], str | None] | None = None,
    ) -> object:
        """One plug-in's hook, called as pluggy would; an exception, or a result ``check``
        refuses, is recorded against the plug-in, which is left out from then on (its
        problem is in ``problems()``), and ``FAILED`` is returned."""
        try:
            result = impl.function(*[kwargs[name] for name in impl.argnames])
            problem = check(result) if check is not None else None
        except Exception as exc:  # noqa: BLE001 — a broken plug-in is reported and skipped
            problem = f"{type(exc).__name__}: {exc}"
        if problem is None:
            return result
        self._drop(impl.plugin_name, hook_name, problem)
        return FAILED

    def _drop(self, name: str, hook_name: str, problem: str) -> None:
        if name in self.required:
            raise UserError(
                f"required plug-in {name} failed (必需的插件出错): {hook_name}: {problem}"
            )
        for info in self.active:
            if info.name == name:
                info.error, info.failed_hook = f"{hook_name}: {problem}", hook_name
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)

    def _collect(self, hook_name: str, record: type[R]) -> list[R]:
        """Call a register-style hook of every active plug-in, in load order; each
        ``register(…)`` builds a ``record`` naming the plug-in. A plug-in whose hook raises
        or registers something malformed contributes nothing."""
        items: list = []
        for impl in self._impls(hook_name):
            mine: list = []

            def register(*args, _name=impl.plugin_name, _mine=mine, **kwargs) -> None:
                _mine.append(record(_name, *args, **kwargs))

            def check(_result, _mine=mine) -> str | None:
                return next((p for p in (item.problem() for item in _mine) if p), None)

            if self._call(impl, hook_name, {"register": register}, check) is not FAILED:
                items.extend(mine)
        return items

    def _merged(self, hook_name: str, base: dict, sources: dict | None = None, each=None) -> dict:
        """Each plug-in's values over the ones before; ``sources`` (when given) records which
        plug-in set each key last; ``each(plugin, key, value)`` checks a value."""
        merged = dict(base)
        for impl in self._impls(hook_name):
            update = self._call(impl, hook_name, {"params": dict(merged)}, _dict_or_none)
            if update is FAILED or not update:
                continue
            for key, value in update.items():
                merged[key] = value if each is None else each(impl.plugin_name, key, value)
            if sources is not None:
                sources.update(dict.fromkeys(update, impl.plugin_name))
        return merged

    # --- contributions ------------------------------------------------------------------
    def rule_paths(self) -> list[RuleFiles]:
        return self._collect("yibao_rulesets", RuleFiles)

    def reference_data(self) -> list[ReferenceRows]:
        return self._collect("yibao_reference_data", ReferenceRows)

    def fact_fields(self) -> list[FactField]:
        return self._collect("yibao_fact_fields", FactField)

    def import_adapters(self) -> list[ImportAdapter]:
        return self._collect("yibao_import_adapters", ImportAdapter)

    def report_sections(self) -> list[ReportSection]:
        return self._collect("yibao_report_sections", ReportSection)

    def parameter_definitions(self) -> list:
        """Each active plug-in's rule parameter definitions (``ParamDef``), in load order."""
        found = self._collect("yibao_parameter_definitions", ParameterDefinition)
        return [item.definition for item in found]

    def rule_parameters(self, base: dict, sources: dict | None = None) -> dict:
        """The rule parameters of every plug-in, later ones over earlier ones, each value
        checked against its definition (a wrong one is an error naming the plug-in)."""
        defs = definitions(self)

        def checked(plugin: str, name: str, value):
            defs.setdefault(name, inferred(name, value))
            return defs[name].check(value, f"plug-in {plugin}")

        return self._merged("yibao_rule_parameters", base, sources, checked)

    def dip_parameters(self, base: dict) -> dict:
        return self._merged("yibao_dip_parameters", base)

    def dip_point_value(self, total_points, budget, fund_ratio, params) -> float | None:
        """The first plug-in's point value (pluggy's ``firstresult`` order: the last loaded
        first), or None for the national formula. A point value feeds every case's money,
        so a plug-in failing here stops the settlement with an error naming it."""
        kwargs = {
            "total_points": total_points,
            "budget": budget,
            "fund_ratio": fund_ratio,
            "params": params,
        }
        for impl in reversed(self._impls("yibao_dip_point_value")):
            value = _strict(impl, "yibao_dip_point_value", kwargs, "")
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise UserError(
                    f"plug-in {impl.plugin_name}: yibao_dip_point_value returned {value!r};"
                    " a point value is a number > 0"
                )
            return value
        return None

    def has_case_factor(self) -> bool:
        return bool(self._impls("yibao_case_factor"))

    def case_factors(self, case: dict) -> list[tuple[str, float]]:
        """Each active plug-in's factor for a DIP case (None and 1.0 left out), in load order.

        A factor that fails stops the settlement with an error naming the plug-in: leaving
        the plug-in out halfway through a year would settle some cases with it, some not."""
        out = []
        claim = case.get("claim_id")
        for impl in self._impls("yibao_case_factor"):
            factor = _strict(impl, "yibao_case_factor", {"case": dict(case)}, f" on {claim}")
            if factor is None or factor == 1.0:
                continue
            if isinstance(factor, bool) or not isinstance(factor, int | float) or factor < 0:
                raise UserError(
                    f"plug-in {impl.plugin_name}: yibao_case_factor returned {factor!r} for"
                    f" {claim}; a factor is a number ≥ 0"
                )
            out.append((impl.plugin_name, float(factor)))
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
            for contribution in self.reference_data()
            if contribution.table == "institutions"
            for row in contribution.rows
        }

    def describe(self) -> None:
        """Fill in what each active plug-in contributes (for ``plugins list``)."""
        counts: dict[str, dict[str, int]] = {}

        def add(name: str, label: str, count: int = 1) -> None:
            counts.setdefault(name, {}).setdefault(label, 0)
            counts[name][label] += count

        for items, label in (
            (self.rule_paths(), "rule files"),
            (self.reference_data(), "reference tables"),
            (self.fact_fields(), "fact fields"),
            (self.import_adapters(), "import adapters"),
            (self.report_sections(), "report sections"),
        ):
            for item in items:
                add(item.plugin, label)
        for hook, label in (
            ("yibao_rule_parameters", "rule parameters"),
            ("yibao_dip_parameters", "DIP parameters"),
        ):
            for impl in self._impls(hook):
                values = self._call(impl, hook, {"params": {}}, _dict_or_none)
                if values is not FAILED:
                    add(impl.plugin_name, label, len(values or {}))
        for impl in self._impls("yibao_dip_point_value"):
            add(impl.plugin_name, "point value method")
        for info in self.infos:
            info.contributes = counts.get(info.name, {}) if info.error is None else {}


#: What ``PluginSet._call`` returns for a plug-in that failed (None is a valid result).
FAILED = object()


def _dict_or_none(result) -> str | None:
    if result is None or isinstance(result, dict):
        return None
    return f"returned {type(result).__name__}, not a dict (or None)"


def _strict(impl: pluggy.HookImpl, hook_name: str, kwargs: dict, where: str):
    """Call a hook whose failure cannot be left out halfway: an error naming the plug-in."""
    try:
        return impl.function(*[kwargs[name] for name in impl.argnames])
    except Exception as exc:  # noqa: BLE001 — name the plug-in, not a traceback
        raise UserError(
            f"plug-in {impl.plugin_name}: {hook_name} failed{where}: {type(exc).__name__}: {exc}"
        ) from exc


def or_installed(plugins: PluginSet | None) -> PluginSet:
    """``plugins``, or the installed ones (``load_plugins()``) for None: what an engine entry
    point's ``plugins=None`` means, so a headless call does what the CLI does."""
    return load_plugins() if plugins is None else plugins


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
            name = _plugin_name(module)
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

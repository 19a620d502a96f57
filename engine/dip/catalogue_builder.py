"""Build a DIP catalogue from earlier years' cases (dip_spec.md section 5)."""

from __future__ import annotations

from collections import defaultdict

from engine import audit_log
from engine.dip.grouping import Catalogue, cat_code, load_cases, sub_code
from engine.dip.params import resolve_params
from engine.money import decimal_to_units
from engine.plugins import PluginSet
from engine.workspace import Workspace


def _weighted(per_year: dict[int, list[float]], weights: dict[int, float]) -> float:
    years = [y for y in per_year if per_year[y]]
    total_w = sum(weights[y] for y in years)
    if not total_w:
        return 0.0
    return sum(weights[y] * (sum(per_year[y]) / len(per_year[y])) for y in years) / total_w


def build_catalogue(
    ws: Workspace,
    year: int,
    *,
    plugins: PluginSet | None = None,
    params: dict | None = None,
) -> list[dict]:
    """Core groups for keys with ≥ threshold cases over the history years, comprehensive groups
    for the rest; 1:2:7-weighted means give avg_cost, rw and avg_los. Stored as ``built``.
    ``params``: the year's DIP parameters (default: ``resolve_params`` with ``plugins``,
    default the installed ones)."""
    if params is None:
        params = resolve_params(ws, year, plugins=plugins)
    weights_list = params["year_weights"]
    history = list(range(year - len(weights_list), year))
    weights = dict(zip(history, weights_list, strict=True))
    cat = Catalogue.load(ws.conn, "official")
    cases = [
        c for c in load_cases(ws.conn) if int(c.discharge_date[:4]) in weights and c.main_diagnosis
    ]
    keys: dict[tuple, int] = defaultdict(int)
    for c in cases:
        keys[(sub_code(c.main_diagnosis), c.main_procedure)] += 1
    cost: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    los: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    meta: dict[str, dict] = {}
    all_cost: dict[int, list[float]] = defaultdict(list)
    for c in cases:
        y = int(c.discharge_date[:4])
        key = (sub_code(c.main_diagnosis), c.main_procedure)
        if keys[key] >= params["core_case_threshold"]:
            code = f"{key[0]}-{key[1] or 'CONS'}"
            meta[code] = {
                "group_type": "core",
                "diagnosis": key[0],
                "main_procedure": key[1],
                "treatment": None,
            }
        else:
            kind = cat.procedure_kind(c.main_procedure)
            code = f"{cat_code(c.main_diagnosis)}-{kind}"
            meta[code] = {
                "group_type": "comprehensive",
                "diagnosis": cat_code(c.main_diagnosis),
                "main_procedure": None,
                "treatment": kind,
            }
        cost[code][y].append(c.cost)
        los[code][y].append(c.los)
        all_cost[y].append(c.cost)
    overall = _weighted(all_cost, weights)
    groups = []
    for code in sorted(meta):
        m = _weighted(cost[code], weights)
        groups.append(
            {
                "group_code": code,
                **meta[code],
                "related_procedures": None,
                "rw": m / overall * params["multiplier"] if overall else 0.0,
                "avg_cost": m,
                "avg_los": _weighted(los[code], weights),
                "cases": sum(len(v) for v in cost[code].values()),
            }
        )
    with ws.transaction() as conn:
        conn.execute("DELETE FROM dip_groups WHERE source = 'built'")
        conn.executemany(
            "INSERT INTO dip_groups (source, group_code, group_type, diagnosis, main_procedure,"
            " related_procedures, treatment, rw, avg_cost, avg_los)"
            " VALUES ('built', ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            [
                (
                    g["group_code"],
                    g["group_type"],
                    g["diagnosis"],
                    g["main_procedure"],
                    g["treatment"],
                    decimal_to_units(round(g["rw"], 4)),
                    decimal_to_units(round(g["avg_cost"], 4)),
                    decimal_to_units(round(g["avg_los"], 4)),
                )
                for g in groups
            ],
        )
        audit_log.append(
            conn,
            "dip-build-catalogue",
            {"year": year, "history": history, "groups": len(groups), "cases": len(cases)},
        )
    return groups

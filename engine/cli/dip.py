"""DIP: ``settle`` a year, ``dip explain`` a case, ``dip build-catalogue``, ``dip special``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable

from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    open_workspace,
    plugins_for,
    progress_for,
)
from engine.errors import UserError


def cmd_settle(args) -> int:
    from engine.dip.settlement import settle

    plugins = plugins_for(args, warn=False)
    with (
        open_workspace(args, create=False) as ws,
        tempfile.TemporaryFile("w+", encoding="utf-8") as spool,
    ):
        out = settle(
            ws,
            args.year,
            plugins=plugins,
            catalogue=args.catalogue,
            progress=progress_for(args),
            cases=_spooled(spool) if args.json else False,
        )
        for problem in out["problems"]:
            print(f"warning: {problem}", file=sys.stderr)
        if args.json:
            _emit_with_cases(out, spool)
            return 0
    print(
        f"DIP settlement {out['year']} region {out['region_code']} ({out['catalogue']} catalogue)"
    )
    for name, fund in out["funds"].items():
        print(
            f"{name}: point value {fund['point_value']}, fund ratio {fund['fund_payment_ratio']},"
            f" total points {fund['total_points']:,}"
        )
    print(
        f"{'institution':<12}{'cases':>7}{'points':>14}{'payment':>15}{'deductions':>12}"
        f"{'fund paid':>15}{'balance':>14}{'final':>15}"
    )
    for i in out["institutions"]:
        print(
            f"{i['institution_code']:<12}{i['cases']:>7}{i['points']:>14,.4f}{i['payment']:>15,.2f}"
            f"{i['deductions']:>12,.2f}{i['fund_paid']:>15,.2f}{i['balance']:>14,.2f}"
            f"{i.get('final_payment', i['payment']):>15,.2f}"
        )
    print(
        f"{'institution':<12}{'bed-day':>13}{'by disease':>13}{'fee-for-svc':>13}"
        f"{'capitation':>13}{'other ded.':>12}{'total':>15}{'clearing':>15}"
    )
    for i in out["institutions"]:
        print(
            f"{i['institution_code']:<12}{i['bed_day_payment']:>13,.2f}"
            f"{i['by_disease_payment']:>13,.2f}{i['fee_for_service_payment']:>13,.2f}"
            f"{i['capitation_payment']:>13,.2f}{i['other_deductions']:>12,.2f}"
            f"{i['total_payment']:>15,.2f}"
            + (f"{i['total_clearing']:>15,.2f}" if "total_clearing" in i else "")
        )
    for warning in out.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _spooled(spool) -> Callable[[dict], object]:
    """Each case as a JSON line in ``spool``: the cases of a city's year (millions) are
    printed from a file, not held in memory."""
    return lambda case: spool.write(json.dumps(case, ensure_ascii=False) + "\n")


def _emit_with_cases(out: dict, spool) -> None:
    """``out`` with the spooled cases as its ``cases`` list: one JSON object, as
    ``emit_json`` prints it, written a case at a time."""
    head = json.dumps(out, ensure_ascii=False)
    sys.stdout.write(head[:-1] + (', "cases": [' if out else '"cases": ['))
    spool.seek(0)
    for n, line in enumerate(spool):
        sys.stdout.write(("," if n else "") + line.rstrip("\n"))
    sys.stdout.write("]}\n")


def cmd_dip(args) -> int:

    plugins = plugins_for(args)
    with open_workspace(args, create=False) as ws:
        if args.dip_command == "special":
            return _special(ws, args, plugins)
        if args.dip_command == "explain":
            from engine.dip.explain import explain_case

            out = explain_case(ws, args.claim_id, plugins, args.catalogue)
            if args.json:
                emit_json(out)
            else:
                print(
                    f"{out['claim_id']} ({out['institution_code']}, {out['catalogue']} catalogue)"
                )
                for number, step in enumerate(out["steps"], start=1):
                    print(f"  {number}. {step}")
                print(
                    f"→ {out['payment_method']}, {out['case_type']}, group "
                    f"{out['group_code'] or '-'}, points {out['points']}"
                    + (f", {out['effect']} ({out['effect_source']})" if out["effect"] else "")
                )
            return 0
        from engine.dip.catalogue_builder import build_catalogue
        from engine.dip.params import CATALOGUE_SETTING, resolve_params

        params = resolve_params(ws, args.year, plugins)
        groups = build_catalogue(ws, args.year, params)
        if args.use:
            with ws.transaction():
                ws.set_setting(CATALOGUE_SETTING, "built")
        if args.json:
            emit_json({"year": args.year, "groups": groups})
        else:
            core = sum(1 for g in groups if g["group_type"] == "core")
            after = (
                "it is now the catalogue that settles (yibao settle)"
                if args.use
                else "settle with it: yibao settle --catalogue built (or build with --use)"
            )
            print(
                f"built {len(groups)} groups ({core} core) from {args.year - len(params['year_weights'])}"
                f"–{args.year - 1}; {after}"
            )
    return 0


def _special(ws, args, plugins) -> int:
    """``dip special``: approve or revoke a special case, or list the year's (no action)."""
    from engine.dip import special

    if args.approve or args.revoke:
        if not args.claim_id:
            raise UserError("dip special --approve/--revoke needs the CLAIM_ID")
        out = special.decide(
            ws,
            args.claim_id,
            "approve" if args.approve else "revoke",
            reviewer=args.reviewer or "",
            comment=args.comment or "",
            plugins=plugins,
        )
        if args.json:
            emit_json(out)
        else:
            print(
                f"{out['claim_id']}: {'已批准 approved' if args.approve else '已撤销 revoked'}"
                f" (decision {out['id']}); {out['year']}: {out['used']} of {out['cap']} approved"
            )
        return 0
    out = special.status(ws, args.year, plugins)
    if args.json:
        emit_json(out)
        return 0
    print(
        f"特例单议 {out['year']}: {out['used']} of {out['cap']} approved"
        f" (floor({out['special_case_cap']} × {out['dip_cases']} DIP cases), at least 1)"
    )
    for case in out["cases"]:
        print(
            f"{case['claim_id']:<16}{case['institution']:<10}{case['group_code']:<24}"
            f"{case['case_type']:<18}ratio {case['ratio']:>8.4f}  points {case['points']:,.4f}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("settle", help="DIP settlement of a year")
    p.set_defaults(func=cmd_settle)
    add_workspace(p)
    p.add_argument("--year", type=int, help="settlement year (default: from dip_params)")
    p.add_argument("--catalogue", choices=("official", "built"), help="which DIP catalogue settles")
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser("dip", help="DIP tools: explain a case, build a catalogue from history")
    p.set_defaults(func=cmd_dip)
    dip_sub = p.add_subparsers(dest="dip_command", metavar="ACTION", required=True)
    e = dip_sub.add_parser("explain", help="how one case was grouped and scored")
    e.add_argument("claim_id")
    e.add_argument("--catalogue", choices=("official", "built"))
    b = dip_sub.add_parser("build-catalogue", help="build a DIP catalogue from three earlier years")
    b.add_argument("--year", type=int, required=True, help="the settlement year it is for")
    b.add_argument("--use", action="store_true", help="make it the catalogue that settles")
    s = dip_sub.add_parser(
        "special",
        help="特例单议: list a year's special cases, or approve / revoke one (within the cap)",
    )
    s.add_argument("claim_id", nargs="?", metavar="CLAIM_ID")
    action = s.add_mutually_exclusive_group()
    action.add_argument("--approve", action="store_true", help="pay it on its actual cost")
    action.add_argument("--revoke", action="store_true", help="withdraw its approval")
    s.add_argument("--reviewer", help="who decides (required to decide)")
    s.add_argument("--comment", help="the reason (required to decide)")
    s.add_argument("--year", type=int, help="the year to list (default: the latest)")
    for q in (e, b, s):
        add_workspace(q)
        add_plugin_choice(q)
        add_json(q)

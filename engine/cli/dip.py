"""DIP: ``settle`` a year, ``dip explain`` a case, ``dip build-catalogue``."""

from __future__ import annotations

import argparse
import sys

from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    open_workspace,
    plugins_for,
    progress_for,
)


def cmd_settle(args) -> int:
    from engine.dip.settlement import settle

    plugins = plugins_for(args, warn=False)
    with open_workspace(args, create=False) as ws:
        out = settle(
            ws, args.year, plugins=plugins, catalogue=args.catalogue, progress=progress_for(args)
        )
    for problem in out["problems"]:
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        emit_json(out)
        return 0
    print(
        f"DIP settlement {out['year']} region {out['region_code']} ({out['catalogue']} catalogue)"
    )
    print(
        f"point value {out['point_value']}, fund ratio {out['fund_payment_ratio']}, "
        f"total points {out['total_points']:,}"
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
    for code, amount in out["recoveries"].items():
        print(f"to recover from {code} (non-DIP claims): {amount:,.2f}")
    return 0


def cmd_dip(args) -> int:

    plugins = plugins_for(args)
    with open_workspace(args, create=False) as ws:
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
                )
            return 0
        from engine.dip.catalogue_builder import build_catalogue
        from engine.dip.settlement import resolve_params

        params = resolve_params(ws, args.year, plugins)
        groups = build_catalogue(ws, args.year, params)
        if args.use:
            with ws.transaction():
                ws.set_setting("dip_catalogue", "built")
        if args.json:
            emit_json({"year": args.year, "groups": groups})
        else:
            core = sum(1 for g in groups if g["group_type"] == "core")
            print(
                f"built {len(groups)} groups ({core} core) from {args.year - len(params['year_weights'])}"
                f"–{args.year - 1}; settle with it: yibao settle --catalogue built"
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
    for q in (e, b):
        add_workspace(q)
        add_plugin_choice(q)
        add_json(q)

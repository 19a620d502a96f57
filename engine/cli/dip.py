"""DIP: ``settle`` a year, ``dip explain`` a case, ``dip build-catalogue``, ``dip special``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable

from engine import UserError
from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    lang_of,
    open_workspace,
    plugins_for,
    print_table,
    progress_for,
)


def cmd_settle(args) -> int:
    from engine import settle

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
    _print_settlement(out, lang_of(args))
    for warning in out.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _print_settlement(out: dict, lang: str) -> None:
    """The settlement as two tables (DIP, then every payment method), in ``lang``."""
    from engine import label

    zh = lang == "zh"
    catalogue = label("catalogue_source", out["catalogue"], lang)
    if zh:
        print(f"{out['year']} 年度 DIP 结算，统筹区 {out['region_code']}（{catalogue}）")
    else:
        print(f"DIP settlement {out['year']} region {out['region_code']} ({catalogue})")
    for name, fund in out["funds"].items():
        if zh:
            print(
                f"{label('fund', name, lang)}：点值 {fund['point_value']}，基金支付比例"
                f" {fund['fund_payment_ratio']}，总分值 {fund['total_points']:,}"
            )
        else:
            print(
                f"{name}: point value {fund['point_value']}, fund ratio"
                f" {fund['fund_payment_ratio']}, total points {fund['total_points']:,}"
            )
    institutions = out["institutions"]
    headers = (
        ["机构", "病例数", "总分值", "应支付", "确认扣款", "已支付", "差额", "清算支付"]
        if zh
        else ["institution", "cases", "points", "payment", "deductions", "fund paid", "balance"]
        + ["final"]
    )
    print_table(
        headers,
        [
            [
                i["institution_code"],
                i["cases"],
                f"{i['points']:,.4f}",
                *(f"{i[k]:,.2f}" for k in ("payment", "deductions", "fund_paid", "balance")),
                f"{i.get('final_payment', i['payment']):,.2f}",
            ]
            for i in institutions
        ],
        right=set(range(1, 8)),
    )
    keys = [
        "bed_day_payment",
        "by_disease_payment",
        "fee_for_service_payment",
        "capitation_payment",
        "other_deductions",
        "total_payment",
    ]
    clearing = any("total_clearing" in i for i in institutions)
    keys += ["total_clearing"] if clearing else []
    headers = (
        ["机构", "按床日", "按病种", "按项目", "按人头", "其他扣款", "合计支付", "清算"]
        if zh
        else ["institution", "bed-day", "by disease", "fee-for-svc", "capitation", "other ded."]
        + ["total", "clearing"]
    )
    print_table(
        headers[: len(keys) + 1],
        [
            [i["institution_code"], *(f"{i[k]:,.2f}" if k in i else "-" for k in keys)]
            for i in institutions
        ],
        right=set(range(1, len(keys) + 1)),
    )


def _print_explanation(out: dict, lang: str) -> None:
    """``dip explain``'s steps and its result, in ``lang``."""
    from engine import label

    catalogue = label("catalogue_source", out["catalogue"], lang)
    steps = out["steps_zh"] if lang == "zh" else out["steps"]
    method = label("payment_method", out["payment_method"], lang)
    case = label("case_type", out["case_type"], lang)
    effect = label("points_effect", out["effect"], lang)
    if lang == "zh":
        print(f"{out['claim_id']}（{out['institution_code']}，{catalogue}）")
    else:
        print(f"{out['claim_id']} ({out['institution_code']}, {catalogue})")
    for number, step in enumerate(steps, start=1):
        print(f"  {number}. {step}")
    if lang == "zh":
        print(
            f"→ {method}，{case}，病种组 {out['group_code'] or '-'}，{out['points']} 分"
            + (f"，{effect}（{out['effect_source']}）" if out["effect"] else "")
        )
    else:
        print(
            f"→ {method}, {case}, group {out['group_code'] or '-'}, points {out['points']}"
            + (f", {effect} ({out['effect_source']})" if out["effect"] else "")
        )


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
            from engine import explain_case

            out = explain_case(ws, args.claim_id, plugins=plugins, catalogue=args.catalogue)
            if args.json:
                emit_json(out)
            else:
                _print_explanation(out, lang_of(args))
            return 0
        from engine import build_catalogue, resolve_params, use_catalogue

        params = resolve_params(ws, args.year, plugins=plugins)
        groups = build_catalogue(ws, args.year, params=params)
        if args.use:
            use_catalogue(ws, "built")
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
    from engine import special

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
            if lang_of(args) == "zh":
                print(
                    f"{out['claim_id']}：特例单议{'已批准' if args.approve else '已撤销'}"
                    f"（决定 {out['id']}）；{out['year']} 年度已批准 {out['used']} 例，"
                    f"上限 {out['cap']} 例"
                )
            else:
                print(
                    f"{out['claim_id']}: {'approved' if args.approve else 'revoked'}"
                    f" (decision {out['id']}); {out['year']}: {out['used']} of {out['cap']}"
                    " approved"
                )
        return 0
    out = special.status(ws, args.year, plugins=plugins)
    if args.json:
        emit_json(out)
        return 0
    from engine import label

    lang = lang_of(args)
    if lang == "zh":
        print(
            f"{out['year']} 年度特例单议：已批准 {out['used']} 例，上限 {out['cap']} 例"
            f"（floor({out['special_case_cap']} × {out['dip_cases']} 例 DIP 病例)，至少 1 例）"
        )
        headers = ["结算ID", "机构", "病种组", "病例类型", "费用倍率", "分值"]
    else:
        print(
            f"特例单议 {out['year']}: {out['used']} of {out['cap']} approved"
            f" (floor({out['special_case_cap']} × {out['dip_cases']} DIP cases), at least 1)"
        )
        headers = ["claim", "institution", "group", "case type", "ratio", "points"]
    print_table(
        headers,
        [
            [
                c["claim_id"],
                c["institution"],
                c["group_code"],
                label("case_type", c["case_type"], lang),
                f"{c['ratio']:.4f}",
                f"{c['points']:,.4f}",
            ]
            for c in out["cases"]
        ],
        right={4, 5},
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

"""Analytics: ``rank`` the anomalies, ``appraise`` the institutions, ``monitor`` the fund."""

from __future__ import annotations

import argparse

from engine.cli.common import add_json, add_plugin_choice, add_workspace, emit_json, open_workspace


def _pct(value) -> str:
    return "-" if value is None else f"{value:+.1%}"


def cmd_rank(args) -> int:
    from engine.analytics.rank import rank
    from engine.labels import label

    with open_workspace(args, create=False) as ws:
        out = rank(ws, args.by, args.top, args.run)
    if args.json:
        emit_json(out)
        return 0
    print(
        f"异常排名 anomaly ranking by {label('rank_by', out['by'])} · run {out['run_id']} · "
        f"{out['subjects']} subjects"
    )
    print(f"{'#':>4}  {'subject':<14}{'score':>10}{'outliers':>9}  institution · parts")
    for r in out["ranking"]:
        parts = "; ".join(
            f"{label('peer_code', p['code'])} {p['group_code'] or ''} {p['score']:+.1f}"
            for p in r["parts"][:3]
            if p["score"] is not None
        )
        home = ",".join(r["institution_codes"])
        print(
            f"{r['rank']:>4}  {r['subject']:<14}{r['score']:>10.2f}{r['outliers']:>9}  {home} · {parts}"
        )
    return 0


def cmd_appraise(args) -> int:
    from engine.analytics.appraise import PARTS, apply, appraise
    from engine.labels import label
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with open_workspace(args, create=False) as ws:
        out = appraise(ws, args.year, plugins)
        if args.apply_to is not None:
            out["applied"] = apply(ws, out, args.apply_to)
    if args.json:
        emit_json(out)
        return 0
    print(f"定点机构考核 institution appraisal {out['year']} · audit run {out['audit_run'] or '-'}")
    heads = "".join(f"{label('appraisal_part', p):>10}" for p in PARTS)
    print(f"{'institution':<12}{heads}{'score':>9}{'coef':>7}")
    for i in out["institutions"]:
        cells = "".join(
            f"{'-' if i['parts'][p]['score'] is None else format(i['parts'][p]['score'], '.1f'):>10}"
            for p in PARTS
        )
        score = "-" if i["score"] is None else f"{i['score']:.2f}"
        coef = "-" if i["coefficient"] is None else f"{i['coefficient']:.2f}"
        print(f"{i['institution_code']:<12}{cells}{score:>9}{coef:>7}")
    applied = out.get("applied")
    if applied:
        copied = applied["copied_params_from"]
        print(
            f"appraisal_coefficients written to the DIP parameters of {applied['applied_to']}"
            + (f" (a copy of {copied}'s)" if copied else "")
            + " and logged"
        )
    else:
        print("nothing written (use --apply-to YEAR to set next year's coefficients)")
    return 0


def cmd_monitor(args) -> int:
    from engine.analytics.monitor import monitor
    from engine.labels import label
    from engine.plugins import load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with open_workspace(args, create=False) as ws:
        out = monitor(ws, args.year, plugins)
    if args.json:
        emit_json(out)
        return 0
    e = out["expenditure"]
    print(f"基金监测 fund monitor {out['year']} (through month {e['through_month']})")
    print(f"{'month':>5}{'fund paid':>16}{'claims':>9}{'patients':>10}{'per claim':>11}{'YoY':>9}")
    for m in e["months"]:
        per = "-" if m["per_claim"] is None else f"{m['per_claim']:,.2f}"
        print(
            f"{m['month']:>5}{m['fund_paid']:>16,.2f}{m['claims']:>9}{m['patients']:>10}"
            f"{per:>11}{_pct(m['growth']):>9}"
        )
    ytd = e["year_to_date"]
    print(
        f"year to date {ytd['fund_paid']:,.2f} vs {ytd['last_year_fund_paid']:,.2f}: {_pct(ytd['growth'])}"
    )
    for vt, v in ytd["by_visit_type"].items():
        print(f"  {label('visit_type', vt)}: {v['fund_paid']:,.2f} ({_pct(v['growth'])})")
    limit = out["thresholds"]["expenditure_growth_warn"]
    if e["warning"]:
        print(f"WARNING 预警: expenditure growth above {limit:.0%}")
    for vt in e["visit_type_warnings"]:
        print(f"WARNING 预警: {label('visit_type', vt)} expenditure growth above {limit:.0%}")
    b = out["budget"]
    if not b["available"]:
        print(f"DIP budget execution: {b['reason']}")
        return 0
    print(
        f"DIP points to date {b['points_to_date']:,.1f} (month {b['through_month']}), forecast "
        f"{b['forecast_points']:,.1f} ({b['method']}); 预算点值 forecast point value "
        f"{b['forecast_point_value']}, last year {b['last_year_point_value'] or '-'} ({_pct(b['change'])})"
    )
    if b["warning"]:
        ratio = out["thresholds"]["point_value_warn_ratio"]
        print(f"WARNING 预警: forecast point value below {ratio:.0%} of last year's")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rank", help="异常排名: rank doctors, departments or institutions by peer anomalies"
    )
    p.set_defaults(func=cmd_rank)
    add_workspace(p)
    p.add_argument("--by", choices=("doctor", "department", "institution"), default="doctor")
    p.add_argument("--top", type=int, metavar="N", help="only the first N")
    p.add_argument("--run", metavar="ID", help="an audit run (default: the latest)")
    add_json(p)

    p = sub.add_parser(
        "appraise", help="定点机构考核: score institutions, set next year's coefficients"
    )
    p.set_defaults(func=cmd_appraise)
    add_workspace(p)
    p.add_argument("--year", type=int, required=True)
    p.add_argument(
        "--apply-to",
        type=int,
        metavar="YEAR",
        help="write the coefficients into this year's DIP parameters (logged)",
    )
    add_plugin_choice(p)
    add_json(p)

    p = sub.add_parser(
        "monitor", help="基金监测: monthly expenditure growth and the point-value forecast"
    )
    p.set_defaults(func=cmd_monitor)
    add_workspace(p)
    p.add_argument("--year", type=int, required=True)
    add_plugin_choice(p)
    add_json(p)

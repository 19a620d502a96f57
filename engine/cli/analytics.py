"""Analytics: ``rank`` the anomalies, ``appraise`` the institutions, ``monitor`` the fund."""

from __future__ import annotations

import argparse

from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    lang_of,
    open_workspace,
    print_table,
)


def _pct(value) -> str:
    return "-" if value is None else f"{value:+.1%}"


def cmd_rank(args) -> int:
    from engine import label, rank

    with open_workspace(args, create=False) as ws:
        out = rank(ws, args.by, args.top, args.run)
    if args.json:
        emit_json(out)
        return 0
    lang = lang_of(args)
    by = label("rank_by", out["by"], lang)
    if lang == "zh":
        print(f"异常排名（按{by}）· 审核批次 {out['run_id']} · {out['subjects']} 个对象")
        headers = ["名次", "对象", "综合得分", "超阈值项", "机构", "主要构成"]
    else:
        print(f"anomaly ranking by {by} · run {out['run_id']} · {out['subjects']} subjects")
        headers = ["#", "subject", "score", "outliers", "institution", "parts"]
    if not out["subjects"]:
        print(
            "没有可比较的对象：同病组（或同级机构）内的比较对象不足"
            if lang == "zh"
            else "nothing to rank: too few peers to compare in any DIP group (or level)"
        )
    rows = []
    for r in out["ranking"]:
        parts = "; ".join(
            f"{label('peer_code', p['code'], lang)} {p['group_code'] or ''} {p['score']:+.1f}"
            for p in r["parts"][:3]
            if p["score"] is not None
        )
        rows.append(
            [
                r["rank"],
                r["subject"],
                f"{r['score']:.2f}",
                r["outliers"],
                ",".join(r["institution_codes"]),
                parts,
            ]
        )
    if rows:
        print_table(headers, rows, right={0, 2, 3})
    return 0


def cmd_appraise(args) -> int:
    from engine import APPRAISAL_PARTS, apply_appraisal, appraise, label, load_plugins

    plugins = load_plugins(args.plugin, args.no_plugin)
    with open_workspace(args, create=False) as ws:
        out = appraise(ws, args.year, plugins=plugins)
        if args.apply_to is not None:
            out["applied"] = apply_appraisal(ws, out, args.apply_to)
    if args.json:
        emit_json(out)
        return 0
    zh = lang_of(args) == "zh"
    lang = "zh" if zh else "en"
    if zh:
        print(f"{out['year']} 年度定点机构考核 · 审核批次 {out['audit_run'] or '-'}")
    else:
        print(f"institution appraisal {out['year']} · audit run {out['audit_run'] or '-'}")
    headers = [
        "机构" if zh else "institution",
        *(label("appraisal_part", p, lang) for p in APPRAISAL_PARTS),
        "得分" if zh else "score",
        "考核系数" if zh else "coef",
    ]
    rows = [
        [
            i["institution_code"],
            *(
                "-" if i["parts"][p]["score"] is None else f"{i['parts'][p]['score']:.1f}"
                for p in APPRAISAL_PARTS
            ),
            "-" if i["score"] is None else f"{i['score']:.2f}",
            "-" if i["coefficient"] is None else f"{i['coefficient']:.2f}",
        ]
        for i in out["institutions"]
    ]
    print_table(headers, rows, right=set(range(1, len(APPRAISAL_PARTS) + 3)))
    applied = out.get("applied")
    if applied:
        copied = applied["copied_params_from"]
        if zh:
            print(
                f"考核系数已写入 {applied['applied_to']} 年度 DIP 参数"
                + (f"（复制自 {copied} 年度）" if copied else "")
                + "，并已记入日志"
            )
        else:
            print(
                f"appraisal_coefficients written to the DIP parameters of {applied['applied_to']}"
                + (f" (a copy of {copied}'s)" if copied else "")
                + " and logged"
            )
    elif zh:
        print("未写入任何数据（用 --apply-to 年度 写入下一年度的考核系数）")
    else:
        print("nothing written (use --apply-to YEAR to set next year's coefficients)")
    return 0


def cmd_monitor(args) -> int:
    from engine import load_plugins, monitor

    plugins = load_plugins(args.plugin, args.no_plugin)
    with open_workspace(args, create=False) as ws:
        out = monitor(ws, args.year, plugins=plugins)
    if args.json:
        emit_json(out)
        return 0
    _print_monitor(out, lang_of(args))
    return 0


def _print_monitor(out: dict, lang: str) -> None:
    """The fund monitor's months, visit types, warnings and budget forecast, in ``lang``."""
    from engine import label

    zh = lang == "zh"
    e = out["expenditure"]
    if zh:
        print(f"{out['year']} 年度基金监测（截至 {e['through_month']} 月）")
        headers = ["月份", "统筹支出", "结算人次", "人数", "次均统筹", "同比"]
    else:
        print(f"fund monitor {out['year']} (through month {e['through_month']})")
        headers = ["month", "fund paid", "claims", "patients", "per claim", "YoY"]
    rows = [
        [
            m["month"],
            f"{m['fund_paid']:,.2f}",
            m["claims"],
            m["patients"],
            "-" if m["per_claim"] is None else f"{m['per_claim']:,.2f}",
            _pct(m["growth"]),
        ]
        for m in e["months"]
    ]
    print_table(headers, rows, right=set(range(6)))
    ytd = e["year_to_date"]
    paid, last, growth = ytd["fund_paid"], ytd["last_year_fund_paid"], _pct(ytd["growth"])
    if zh:
        print(f"本年累计 {paid:,.2f}，上年同期 {last:,.2f}：{growth}")
    else:
        print(f"year to date {paid:,.2f} vs {last:,.2f}: {growth}")
    for vt, v in ytd["by_visit_type"].items():
        print(f"  {label('visit_type', vt, lang)}: {v['fund_paid']:,.2f} ({_pct(v['growth'])})")
    limit = out["thresholds"]["expenditure_growth_warn"]
    if e["warning"]:
        print(
            f"预警：统筹支出增长超过 {limit:.0%}"
            if zh
            else f"WARNING: expenditure growth above {limit:.0%}"
        )
    for vt in e["visit_type_warnings"]:
        word = label("visit_type", vt, lang)
        print(
            f"预警：{word}支出增长超过 {limit:.0%}"
            if zh
            else f"WARNING: {word} expenditure growth above {limit:.0%}"
        )
    b = out["budget"]
    if not b["available"]:
        print(f"{'DIP 预算执行' if zh else 'DIP budget execution'}: {b['reason']}")
        return
    method = label("forecast_method", b["method"], lang)
    last_pv = b["last_year_point_value"] or "-"
    if zh:
        print(
            f"DIP 累计分值 {b['points_to_date']:,.1f}（截至 {b['through_month']} 月），全年预测"
            f" {b['forecast_points']:,.1f}（{method}）；预算点值预测 {b['forecast_point_value']}，"
            f"上年 {last_pv}（{_pct(b['change'])}）"
        )
    else:
        print(
            f"DIP points to date {b['points_to_date']:,.1f} (month {b['through_month']}), forecast"
            f" {b['forecast_points']:,.1f} ({method}); forecast point value"
            f" {b['forecast_point_value']}, last year {last_pv} ({_pct(b['change'])})"
        )
    if b["warning"]:
        ratio = out["thresholds"]["point_value_warn_ratio"]
        print(
            f"预警：预测点值低于上年的 {ratio:.0%}"
            if zh
            else f"WARNING: forecast point value below {ratio:.0%} of last year's"
        )


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

"""``yibao report``: the xlsx workbook and the PDF notice."""

from __future__ import annotations

import argparse
import sys

from engine import yuan_text
from engine.cli.common import (
    add_json,
    add_plugin_choice,
    add_workspace,
    emit_json,
    lang_of,
    open_workspace,
    plugins_for,
)


def cmd_report(args) -> int:
    from engine import write_report

    plugins = plugins_for(args, warn=False)
    if args.doctor:
        return _doctor_notice(args, plugins)
    with open_workspace(args, create=False) as ws:
        data = write_report(
            ws, args.out, institution=args.institution, run_id=args.run, plugins=plugins
        )
    for problem in data.problems:
        print(f"warning: {problem}", file=sys.stderr)
    summary = {
        "out": str(args.out),
        "run_id": data.run_id,
        "findings": len(data.findings),
        "confirmed_deductions": float(data.total_deductions),
        "settlement_run_id": data.settlement["run_id"] if data.settlement else None,
        "log_head": data.log_head,
    }
    if args.json:
        emit_json(summary)
    else:
        money = yuan_text(data.total_deductions)
        print(
            f"已写入 {args.out}：疑点 {summary['findings']:,} 个，确认扣款 {money} 元；"
            f"日志校验码 {data.log_head}"
            if lang_of(args) == "zh"
            else f"wrote {args.out}: {summary['findings']} findings, confirmed deductions "
            f"{money}; log head {data.log_head}"
        )
    return 0


def _doctor_notice(args, plugins) -> int:
    from engine import label, write_doctor_notice

    with open_workspace(args, create=False) as ws:
        notice = write_doctor_notice(ws, args.out, args.doctor, plugins=plugins, year=args.year)
    d = notice.doctor
    if args.json:
        emit_json(
            {
                "out": str(args.out),
                "doctor_id": d.doctor_id,
                "year": notice.year,
                "points": d.points,
                "status": d.status,
                "events": len(d.events),
            }
        )
    else:
        lang = lang_of(args)
        status = label("doctor_status", d.status, lang)
        print(
            f"已写入 {args.out}：{d.doctor_id} {d.name or ''} {notice.year} 年 {d.points} 分，{status}"
            if lang == "zh"
            else f"wrote {args.out}: {d.doctor_id} {d.name or ''} {notice.year}: {d.points} points,"
            f" {status}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write the xlsx workbook or the PDF for an institution")
    p.set_defaults(func=cmd_report)
    add_workspace(p)
    p.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx or FILE.pdf")
    p.add_argument("--institution", metavar="CODE", help="only this institution")
    p.add_argument("--run", metavar="ID", help="audit run (default: the latest)")
    p.add_argument(
        "--doctor", metavar="ID", help="a doctor's notice of points (记分告知书, FILE.pdf)"
    )
    p.add_argument("--year", type=int, help="with --doctor: the scoring year")
    add_plugin_choice(p)
    add_json(p)

"""``yibao doctors`` and ``yibao departments``: the doctors' ledger (医保支付资格记分)."""

from __future__ import annotations

import argparse

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
)


def _ledger(args):
    from engine import for_workspace

    plugins = plugins_for(args)
    with open_workspace(args, create=False) as ws:
        ledger = for_workspace(ws, plugins=plugins, year=args.year)
        names = dict(
            ws.conn.execute("SELECT institution_code, coalesce(name, '') FROM institutions")
        )
    return ledger, names


def cmd_doctors(args) -> int:
    from engine import DOCTOR_STATUSES, label

    if args.status and args.status not in DOCTOR_STATUSES:
        raise UserError(f"--status must be one of {', '.join(DOCTOR_STATUSES)}")
    ledger, names = _ledger(args)
    doctors = ledger.select(institution=args.institution, dept=args.dept, status=args.status)
    if args.json:
        emit_json(ledger.to_json(doctors))
        return 0
    t = ledger.thresholds
    zh = lang_of(args) == "zh"
    lang = "zh" if zh else "en"
    print(
        f"{ledger.year} 年度医保医师记分（约谈 {t.warn_points} 分，暂停 {t.suspend_points} 分，"
        f"终止 {t.terminate_points} 分）"
        if zh
        else f"doctors' points {ledger.year} (warning at {t.warn_points}, suspension at"
        f" {t.suspend_points}, termination at {t.terminate_points})"
    )
    rows = [
        [
            d.doctor_id,
            d.name or "",
            f"{d.institution_code or '-'} {names.get(d.institution_code, '')}".strip(),
            d.dept_code or "-",
            d.points,
            label("doctor_status", d.status, lang),
            d.suspend_months or "",
            d.findings,
            d.confirmed,
            f"{d.amount:,.2f}",
        ]
        for d in doctors
    ]
    headers = (
        ["医师代码", "姓名", "机构", "科室", "记分", "状态", "暂停月数", "疑点", "确认", "确认扣款"]
        if zh
        else ["doctor", "name", "institution", "dept.", "points", "status", "months suspended"]
        + ["findings", "confirmed", "deductions"]
    )
    print_table(headers, rows, right={4, 6, 7, 8, 9})
    if not doctors:
        print("没有符合条件的医师" if zh else "no doctors match")
    return 0


def cmd_departments(args) -> int:
    from engine import label

    ledger, names = _ledger(args)
    departments = ledger.departments(args.institution)
    if args.json:
        emit_json(ledger.departments_json(args.institution))
        return 0
    zh = lang_of(args) == "zh"
    lang = "zh" if zh else "en"
    print(f"{ledger.year} 年度科室记分汇总" if zh else f"departments' points {ledger.year}")
    rows = [
        [
            f"{d.institution_code or '-'} {names.get(d.institution_code, '')}".strip(),
            d.dept_code or "-",
            d.doctors,
            *(d.by_status[s] for s in ("warning", "suspended", "terminated")),
            d.points,
            d.findings,
            d.confirmed,
            f"{d.amount:,.2f}",
        ]
        for d in departments
    ]
    headers = [
        *(["机构", "科室", "医师数"] if zh else ["institution", "dept.", "doctors"]),
        *(label("doctor_status", s, lang) for s in ("warning", "suspended", "terminated")),
        *(["记分", "疑点", "确认", "确认扣款"] if zh else ["points", "findings", "confirmed"]),
        *([] if zh else ["deductions"]),
    ]
    print_table(headers, rows, right=set(range(2, 10)))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    add_workspace(p)
    p.add_argument("--year", type=int, help="scoring year (default: the latest with decisions)")
    p.add_argument("--institution", metavar="CODE", help="only this institution")
    add_plugin_choice(p)
    add_json(p)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctors", help="doctors' points and status (医保医师记分)")
    p.set_defaults(func=cmd_doctors)
    _common(p)
    p.add_argument("--dept", metavar="CODE", help="only this department")
    p.add_argument("--status", metavar="S", help="normal, warning, suspended or terminated")
    p = sub.add_parser("departments", help="the doctors' ledger by institution × department")
    p.set_defaults(func=cmd_departments)
    _common(p)

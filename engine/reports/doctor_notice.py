"""The notice handed to a doctor (医保支付资格记分告知书): who, which events with their rule,
policy basis, claim and date, the year's points, the status and what follows, signatures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from engine.accountability.ledger import Doctor, for_workspace
from engine.accountability.points import Thresholds, consequence
from engine.audit_log import head, now_text
from engine.errors import UserError
from engine.labels import date_words, label
from engine.reports.data import RuleInfo, rule_infos
from engine.reports.notice_settings import notice_settings
from engine.reports.pdf import BLANK, build_document, paragraph, register_font, styles_for, table_of
from engine.workspace import Workspace

TITLE = "医保支付资格记分告知书"


@dataclass
class DoctorNotice:
    doctor: Doctor
    year: int
    thresholds: Thresholds
    institution_name: str
    rules: dict[str, RuleInfo]
    visit_dates: dict[str, str]  # claim_id → admission (visit) date
    generated_at: str
    settings: dict  # the issuer, number and days to object (``notice_settings``)
    log_head: str = ""  # entries:last hash of the log, to check it later (yibao log --head)


def gather_notice(ws: Workspace, doctor_id: str, *, plugins=None, year=None) -> DoctorNotice:
    ledger = for_workspace(ws, plugins=plugins, year=year)
    doctor = ledger.doctor(doctor_id)
    if doctor is None:
        raise UserError(f"no doctor {doctor_id} in this workspace")
    claims = sorted({e.claim_id for e in doctor.events})
    visit_dates = dict(
        ws.conn.execute(
            "SELECT claim_id, admission_date FROM claims WHERE claim_id IN "
            f"({', '.join('?' * len(claims))})",
            claims,
        )
    )
    name = ws.conn.execute(
        "SELECT coalesce(name, '') FROM institutions WHERE institution_code = ?",
        (doctor.institution_code,),
    ).fetchone()
    return DoctorNotice(
        doctor,
        ledger.year,
        ledger.thresholds,
        name[0] if name else "",
        rule_infos(plugins),
        visit_dates,
        now_text(),
        notice_settings(ws),
        log_head=str(head(ws.conn)),
    )


def _story(notice: DoctorNotice, st: dict) -> list:
    d, t = notice.doctor, notice.thresholds
    issuer = notice.settings.get("notice.issuer") or BLANK
    days = notice.settings.get("notice.objection_days") or 7
    who = f"{d.name}（{d.doctor_id}）" if d.name else d.doctor_id
    place = f"{notice.institution_name}（{d.institution_code}）" if notice.institution_name else ""
    story = [
        paragraph(TITLE, st["title"]),
        paragraph(notice.settings.get("notice.number") or "", st["number"]),
        Spacer(1, 3 * mm),
        paragraph(f"医保医师：{who}" + (f"　职称：{d.title}" if d.title else ""), st["body"]),
        paragraph(
            f"定点医药机构：{place or d.institution_code or '-'}　科室：{d.dept_code or '-'}",
            st["body"],
        ),
        paragraph(
            f"　　{issuer}依据《医疗保障基金使用监督管理条例》及医保支付资格管理有关规定，"
            f"对你 {notice.year} 年度经认定的违规行为记分（自然年度，以违规行为认定日期计），"
            "现将结果告知如下。",
            st["body"],
        ),
        Spacer(1, 3 * mm),
        paragraph("一、记分情况", st["h2"]),
    ]
    if d.events:
        rows = [
            ["序号", "认定日期", "结算ID", "就诊日期", "规则编码", "违规行为", "政策依据", "记分"]
        ]
        for number, e in enumerate(d.events, start=1):
            info = notice.rules.get(e.rule_id)
            visit = date_words(notice.visit_dates.get(e.claim_id)) or "-"
            rows.append(
                [
                    str(number),
                    date_words(e.decided_at),
                    e.claim_id,
                    visit,
                    e.code,
                    info.name_zh if info else e.rule_id,
                    paragraph(info.basis if info and info.basis else "-", st["basis"]),
                    str(e.points),
                ]
            )
        widths = [10 * mm, 26 * mm, 21 * mm, 26 * mm, 31 * mm, 24 * mm, 31 * mm, 11 * mm]
        story.append(table_of(rows, widths, st, 7))
    else:
        story.append(paragraph("本年度无经确认的违规记分事项。", st["body"]))
    story += [
        Spacer(1, 2 * mm),
        paragraph(f"本年度累计记分：{d.points} 分", st["h2"]),
        paragraph("二、处理结果", st["h2"]),
        paragraph(f"状态：{label('doctor_status', d.status)}", st["body"]),
        paragraph(consequence(t, d.points), st["body"]),
        paragraph(
            f"记分标准：累计 {t.warn_points} 分约谈提醒，{t.suspend_points} 分暂停医保支付资格"
            f"（每超 1 分暂停 {t.suspend_months_per_point_over} 个月，最长 "
            f"{t.suspend_months_max} 个月），{t.terminate_points} 分终止医保支付资格。",
            st["basis"],
        ),
        KeepTogether(
            [
                paragraph("三、陈述与申辩", st["h2"]),
                paragraph(
                    f"　　如对上述记分有异议，请自收到本告知书之日起 {days} 日内向{issuer}"
                    "提出书面陈述、申辩，并提供相关证明材料；逾期未提出的，视为无异议。",
                    st["body"],
                ),
                Spacer(1, 10 * mm),
                paragraph(f"{issuer}（盖章）", st["right"]),
                paragraph(date_words(notice.generated_at), st["right"]),
                paragraph(f"审核日志校验码：{notice.log_head}", st["basis"]),
                Spacer(1, 8 * mm),
                paragraph(
                    "医保医师（签字）：____________________　　签收日期：__________", st["body"]
                ),
                Spacer(1, 6 * mm),
                paragraph(
                    "定点医药机构（盖章）：____________________　　日期：__________", st["body"]
                ),
            ]
        ),
    ]
    return story


def write_notice(notice: DoctorNotice, path: Path) -> None:
    story = _story(notice, styles_for(register_font()))
    build_document(path, story, f"{TITLE} {notice.doctor.doctor_id}")

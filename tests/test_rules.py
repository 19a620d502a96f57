"""Each rule: a case that triggers it, a clean twin and the boundary that must not.

Every case's trigger and clean twin are planted in ONE copy of the sample package (claims
T<n> and C<n>, each with a patient of its own), which is audited once; each test then reads
the findings of its claims. Institution rules, which compare whole institutions, plant their
peers in packages of their own.
"""

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from engine.errors import UserError
from engine.findings import summarise, summarise_run
from engine.ingest import import_package
from engine.plugins import load_plugins
from engine.rules import lanes as lanes_module
from engine.rules import run_audit
from engine.rules.catalogue import PARAMS_SETTING, load_rulebook
from engine.workspace import Workspace

# the revision-2 public sample (spec/sample): its reference data has every item the cases use
SAMPLE = Path(__file__).parent / "data" / "dip_sample" / "package"

CLAIM = (
    "{id},{patient},{gender},{birth},{insurance},{visit},{inst},{dept},D1,{admission},{discharge},"
    "{dx},{sdx},{px},,{status},{total},{fund},{personal},{admission},\n"
)


def L(code, qty, price, time="", days="", upload="", refund_of="", self_pay=""):  # noqa: N802
    """One fee line: item, quantity, unit price; time defaults to the admission day 10:00."""
    return dict(
        code=code,
        qty=qty,
        price=price,
        time=time,
        days=days,
        upload=upload,
        refund_of=refund_of,
        self_pay=self_pay,
    )


def write_claim(package, claim_id, lines, **claim):
    """Append one claim and its lines (``L(…)`` or (item, quantity, price[, time[, days[,
    upload]]]) tuples)."""
    fields = dict(
        id=claim_id,
        patient="PT1",
        gender=1,
        birth="1980-01-01",
        insurance="employee",
        visit="outpatient",
        inst="H001",
        dept="IM",
        admission="2025-06-02",
        discharge="",
        dx="J06.900",
        sdx="",
        px="",
        status="",
        total=None,
        fund=None,
    )
    fields.update(claim)
    lines = [line if isinstance(line, dict) else L(*line) for line in lines]
    total = round(sum(line["qty"] * line["price"] for line in lines), 4)
    fields["total"] = fields["total"] if fields["total"] is not None else total
    fields["fund"] = fields["fund"] if fields["fund"] is not None else round(total * 0.75, 4)
    fields["personal"] = round(fields["total"] - fields["fund"], 4)
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(CLAIM.format(**fields))
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        for no, line in enumerate(lines, start=1):
            when = line["time"] or f"{fields['admission']} 10:00"
            amount = round(line["qty"] * line["price"], 4)
            handle.write(
                f"{claim_id},{no},{line['code']},,{when},{line['upload']},{line['qty']},"
                f"{line['price']},{amount},{line['days']},,,{line['refund_of']},"
                f"{line['self_pay']}\n"
            )


def plant(package, claim_id, spec):
    """Claim ``claim_id`` of a case (lines, fields) and its ``extra`` claims (id, lines,
    fields), all of one patient of its own unless a field names another."""
    lines, fields = spec
    fields = dict(fields)
    extra = fields.pop("extra", [])
    fields.setdefault("patient", "P" + claim_id)
    write_claim(package, claim_id, lines, **fields)
    for suffix, extra_lines, extra_fields in extra:
        write_claim(
            package,
            claim_id + suffix,
            extra_lines,
            **{"patient": fields["patient"], **extra_fields},
        )


VISIT = ("003101000300030", 1, 10)
BED = ("003101000010001", 1, 50)
NURSING = ("003101000030003", 1, 30)
DRUG_COURSE = ("XJ05AHA0027000000000027", 1, 5)  # max_course_days 5
ACUPUNCTURE = "003101000280028"  # max_course_days 10
IBUPROFEN = "XM01AEB0031000000000031"  # max_daily_qty 2
GANCAO, GANSUI = "T0000050035000000000035", "T0000060036000000000036"  # 十八反
SALINE = "XB05BBL0023000000000023"
PHARMACY_DRUG = ("XC08CAN0021000000000021", 1, 30)
AT_PHARMACY = {"visit": "pharmacy", "inst": "P001"}
STAY = {"visit": "inpatient", "discharge": "2025-06-08", "status": 1}
EXAMS = [BED, ("003101000090009", 4, 25)]  # exams 100 of 150: two thirds
SIX_DRUGS = [
    "XJ01CAA0022000000000022",
    "XC08CAN0021000000000021",
    SALINE,
    "XA10BAE0014000000000014",
    "XJ05AHA0027000000000027",
    IBUPROFEN,
]


def STAY_AT(day: str) -> dict:  # noqa: N802 — reads like the constant STAY
    return {"visit": "inpatient", "admission": day, "discharge": "2025-06-20", "status": 1}


def day(n: int, first: str = "2025-06-01") -> str:
    """The date ``n`` days after ``first``, at 10:00."""
    return f"{date.fromisoformat(first) + timedelta(n)} 10:00"


def visits(prefix, count, first, step, fields=None):
    """``count`` earlier visits of the case's patient, ``step`` days apart from ``first``."""
    start = date.fromisoformat(first)
    line = PHARMACY_DRUG if fields else VISIT
    return [
        (f"{prefix}{n}", [line], {**(fields or {}), "admission": str(start + timedelta(n * step))})
        for n in range(count)
    ]


def admissions(first):
    """Four earlier stays of the patient (at H002), the first on ``first``, 60 days apart."""
    start = date.fromisoformat(first)
    out = []
    for n in range(4):
        when = start + timedelta(n * 60)
        fields = {"visit": "inpatient", "inst": "H002", "status": 1}
        fields |= {"admission": str(when), "discharge": str(when + timedelta(3))}
        out.append((f"E{n}", [BED], fields))
    return out


def course_visits(days_of_use, first="2025-06-01", line=DRUG_COURSE):
    """Earlier outpatient claims of the patient, one a day, each charging ``line``."""
    return [(f"E{n}", [line], {"admission": day(n, first)[:10]}) for n in range(days_of_use)]


def stay_days(n_days, first="2025-06-01", item=DRUG_COURSE, extra_on_last=()):
    """An inpatient stay with ``item`` charged on each of ``n_days`` days (the stay lasts
    one day more); ``extra_on_last``: more lines on the last day of use."""
    lines = [(item[0], item[1], item[2], day(n, first)) for n in range(n_days)]
    lines += [(c, q, p, day(n_days - 1, first)) for c, q, p in extra_on_last]
    fields = {"visit": "inpatient", "admission": first, "status": 1}
    fields["discharge"] = day(n_days, first)[:10]
    return lines, fields


def idle_stay(los, active_days, first="2025-06-01"):
    """A stay of ``los`` days with bed and nursing every day and a drug on the admission day
    and on the first ``active_days`` days strictly inside the stay."""
    lines = []
    for n in range(los + 1):
        lines += [(*BED, day(n, first)), (*NURSING, day(n, first))]
        if n <= active_days:
            lines.append((SALINE, 2, 4.5, day(n, first)))
    fields = {"visit": "inpatient", "admission": first, "status": 1, "dx": "J18.900"}
    fields["discharge"] = day(los, first)[:10]
    return lines, fields


def earlier_stay(inst, dx, admission, discharge):
    fields = {"visit": "inpatient", "inst": inst, "dx": dx, "status": 1}
    return ("E0", [BED], fields | {"admission": admission, "discharge": discharge})


def readmitted(admission, dx="J18.000", before_dx="J18.900", inst="H001", before_inst="H002"):
    """A stay admitted on ``admission`` after a stay discharged on 2025-05-10."""
    fields = {"visit": "inpatient", "inst": inst, "dx": dx, "status": 1}
    fields |= {
        "admission": admission,
        "discharge": str(date.fromisoformat(admission) + timedelta(4)),
    }
    fields["extra"] = [earlier_stay(before_inst, before_dx, "2025-05-05", "2025-05-10")]
    return [BED], fields


def during_stay(visit_day, visit=None):
    """A visit (or pharmacy purchase) on ``visit_day`` by a patient staying at H002 from
    2025-06-01 to 2025-06-10."""
    fields = dict(visit or {})
    fields["admission"] = visit_day
    stay = {"visit": "inpatient", "inst": "H002", "status": 1, "dx": "J18.900"}
    fields["extra"] = [("E0", [BED], stay | {"admission": "2025-06-01", "discharge": "2025-06-10"})]
    line = PHARMACY_DRUG if visit else VISIT
    return [line], fields


LAB = "003101000080008"  # max_daily_qty 3
CT = "003101000040004"  # max_unit_price 200
CHILD_DRUG = "XR05XAX0005000000000005"  # up to 17 years
SELECTED, NON_SELECTED = "XC08CAA0001000000000001", "XC08CAA0002000000000002"
SIX_KINDS = [VISIT] + [(code, 1, 2) for code in SIX_DRUGS[:5]]
SIX_KINDS += [(IBUPROFEN, 2, 1.2), (IBUPROFEN, 1, 1.2)]

CASES = [
    # code, flagged line (None for claim rules), triggering lines + claim fields, clean variant
    (
        "GZ10000101007000",
        2,
        ([VISIT, ("XR05XAX0005000000000005", 1, 1.8)], {"birth": "2007-06-01"}),
        ([VISIT, ("XR05XAX0005000000000005", 1, 1.8)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000102001000",
        2,
        ([VISIT, ("003101000040004", 1, 200.5)], {}),
        ([VISIT, ("003101000040004", 1, 200)], {}),
    ),
    (
        "GZ10000101001000",
        2,
        ([VISIT, ("XN07XXS0011000000000011", 1, 60)], {}),
        ([VISIT, ("XN07XXS0011000000000011", 1, 60)], {"insurance": "work_injury"}),
    ),
    (
        "GZ10000101002000",
        2,
        ([VISIT, ("XG02ADD0012000000000012", 1, 60)], {"gender": 2}),
        ([VISIT, ("XG02ADD0012000000000012", 1, 60)], {"gender": 2, "insurance": "maternity"}),
    ),
    (
        "GZ10000101003000",
        2,
        ([VISIT, ("T0000010031000000000031", 1, 30)], {}),
        ([VISIT, ("T0000030033000000000033", 1, 30)], {}),
    ),
    (
        "GZ10000101004000",
        2,
        ([VISIT, ("T0000020032000000000032", 1, 30)], {}),
        ([VISIT, ("T0000020032000000000032", 1, 30), ("T0000030033000000000033", 1, 3)], {}),
    ),
    (
        "GZ10000101009000",
        2,
        ([VISIT, ("XA10BAE0014000000000014", 2, 30, "2025-06-02 10:00", 31)], {}),
        ([VISIT, ("XA10BAE0014000000000014", 2, 30, "2025-06-02 10:00", 30)], {}),
    ),
    (
        "GZ10000101008000",
        2,
        ([VISIT, ("XA10BJL0010000000000010", 1, 300)], {}),
        ([VISIT, ("XA10BJL0010000000000010", 1, 300)], {"dx": "E11.900"}),
    ),
    (
        "GZ10000101011000",
        2,
        ([VISIT, ("XJ05AFE0015000000000015", 1, 20)], {}),
        ([VISIT, ("XJ05AFE0015000000000015", 1, 20)], {"dx": "B18.100"}),
    ),
    (
        "GZ10000101012000",
        2,
        ([VISIT, ("XJ01DDT0024000000000024", 1, 20)], {"inst": "H003"}),
        ([VISIT, ("XJ01DDT0024000000000024", 1, 20)], {"inst": "H002"}),
    ),
    (
        "GZ10000102014000",
        2,
        ([VISIT, ("003101000080008", 4, 20)], {}),
        ([VISIT, ("003101000080008", 3, 20)], {}),
    ),
    (
        "GZ10000102015000",
        2,
        ([VISIT, ("003101000220022", 1, 300.5)], {}),
        ([VISIT, ("003101000220022", 1, 300)], {}),
    ),
    (
        "GZ10000102012000",
        3,
        ([VISIT, ("003101000060006", 1, 60), ("003101000070007", 1, 8)], {}),
        ([VISIT, ("003101000060006", 1, 60), ("003101000070007", 1, 8, "2025-06-03 10:00")], {}),
    ),
    (
        "GZ10000102013000",
        3,
        ([VISIT, ("003101000240024", 1, 60), ("003101000250025", 1, 8)], {}),
        ([VISIT, ("003101000250025", 1, 8)], {}),
    ),
    (
        "GZ10000102009000",
        2,
        ([VISIT, ("003101000020002", 1, 20)], {}),
        (
            [("003101000020002", 1, 20)],
            {"visit": "inpatient", "discharge": "2025-06-08", "status": 1},
        ),
    ),
    (
        "GZ10000301004000",
        2,
        ([VISIT, ("XG03DAH0016000000000016", 1, 12)], {"gender": 1}),
        ([VISIT, ("XG03DAH0016000000000016", 1, 12)], {"gender": 2}),
    ),
    (
        "GZ10000301009000",
        2,
        ([VISIT, ("XC01AAD0018000000000018", 1, 3)], {"birth": "1960-06-02"}),
        ([VISIT, ("XC01AAD0018000000000018", 1, 3)], {"birth": "1960-06-03"}),
    ),
    (
        "GZ10000301011000",
        3,
        ([VISIT, ("XB01AAW0019000000000019", 1, 2), ("XB01ACA0020000000000020", 1, 2)], {}),
        (
            [
                VISIT,
                ("XB01AAW0019000000000019", 1, 2),
                ("XB01ACA0020000000000020", 1, 2, "2025-06-03 10:00"),
            ],
            {},
        ),
    ),
    (
        "GZ10000301006000",
        3,
        ([VISIT, ("XJ01DHM0007000000000007", 1, 2), ("XJ01DHY0009000000000009", 1, 2)], {}),
        ([VISIT, ("XJ01DHY0009000000000009", 1, 2)], {}),
    ),
    (
        "GZ10000101005000",
        2,
        ([VISIT, ("XJ01DHM0007000000000007", 1, 2)], {}),
        ([VISIT, ("XJ01DHY0009000000000009", 1, 2), ("XJ01DHM0007000000000007", 1, 2)], {}),
    ),
    (
        "GZ10000301001000",
        2,
        ([VISIT, ("XV08ABD0026000000000026", 1, 50)], {}),
        ([VISIT, ("XV08ABD0026000000000026", 1, 50), ("003101000040004", 1, 200)], {}),
    ),
    (
        "GZ10000303002000",
        2,
        ([VISIT, ("C1403010070000700007", 1, 5)], {}),
        ([VISIT, ("003101000090009", 1, 25)], {}),
    ),
    (
        "GZ10000303003000",
        2,
        ([VISIT, ("C1403010050000500005", 3, 5)], {}),
        ([VISIT, ("C1403010050000500005", 2, 5)], {}),
    ),
    (
        "JC02",
        2,
        ([VISIT, ("XC08CAA0001000000000001", 10, 0.16)], {}),
        ([VISIT, ("XC08CAA0001000000000001", 10, 0.155)], {}),
    ),
    (
        "GZ10000204006000",
        None,
        ([VISIT], {"dx": "N40.x00", "gender": 2}),
        ([VISIT], {"dx": "N40.x00", "gender": 1}),
    ),
    (
        "GZ10000204007000",
        None,
        ([VISIT], {"dx": "P07.300", "birth": "2024-06-01"}),
        ([VISIT], {"dx": "P07.300", "birth": "2024-06-03"}),
    ),
    (
        "GZ10000101006000",
        2,
        ([VISIT, ("XR07AAF0013000000000013", 1, 100)], {"birth": "2025-05-04"}),
        ([VISIT, ("XR07AAF0013000000000013", 1, 100)], {"birth": "2025-05-05"}),
    ),
    (
        "GZ10000102002000",
        3,
        ([VISIT, ("003101000100010", 1, 3000), ("003101000110011", 1, 1400.02)], {}),
        ([VISIT, ("003101000100010", 1, 3000), ("003101000110011", 1, 1400)], {}),
    ),
    (
        "GZ10000102003000",
        2,
        ([VISIT, ("003101000170017", 1, 50)], {}),
        ([VISIT, ("003101000170017", 1, 50)], {"insurance": "work_injury"}),
    ),
    (
        "GZ10000102004000",
        2,
        ([VISIT, ("003101000180018", 1, 50)], {}),
        ([VISIT, ("003101000180018", 1, 50)], {"insurance": "maternity", "gender": 2}),
    ),
    (
        "GZ10000102005000",
        2,
        ([VISIT, ("003101000140014", 1, 50)], {"birth": "2025-05-04"}),
        ([VISIT, ("003101000140014", 1, 50)], {"birth": "2025-05-05"}),
    ),
    (
        "GZ10000102006000",
        2,
        ([VISIT, ("003101000150015", 1, 50)], {"birth": "2007-06-01"}),
        ([VISIT, ("003101000150015", 1, 50)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000102007000",
        2,
        ([VISIT, ("003101000270027", 1, 400)], {}),
        ([VISIT, ("003101000270027", 1, 400)], {"dx": "N18.900"}),
    ),
    (
        "GZ10000102008000",
        2,
        ([VISIT, ("003101000130013", 1, 40)], {}),
        ([VISIT, ("003101000130013", 1, 40)], {"dept": "REH"}),
    ),
    (
        "GZ10000102011000",
        2,
        ([VISIT, ("003101000160016", 1, 200)], {"inst": "H003"}),
        ([VISIT, ("003101000160016", 1, 200)], {"inst": "H002"}),
    ),
    (
        "GZ10000103001000",
        2,
        ([VISIT, ("C1403010020000200002", 1, 20)], {"birth": "2025-05-04"}),
        ([VISIT, ("C1403010020000200002", 1, 20)], {"birth": "2025-05-05"}),
    ),
    (
        "GZ10000103002000",
        2,
        ([VISIT, ("C1403010030000300003", 1, 20)], {"birth": "2007-06-01"}),
        ([VISIT, ("C1403010030000300003", 1, 20)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000103003000",
        2,
        ([VISIT, ("C1403010040000400004", 1, 2000.5)], {}),
        ([VISIT, ("C1403010040000400004", 1, 2000)], {}),
    ),
    (
        "GZ10000201004000",
        None,
        ([VISIT, ("003101000100010", 1, 3000)], {}),
        ([VISIT, ("003101000100010", 1, 3000)], {"px": "51.2300"}),
    ),
    (
        "GZ10000201005000",
        None,
        ([VISIT], {"px": "68.4100", "gender": 1}),
        ([VISIT], {"px": "68.4100", "gender": 2}),
    ),
    (
        "GZ10000201007000",
        2,
        ([VISIT, ("003101000090009", 1, 25, "2025-06-02 10:00", "", "2025-06-03 10:01")], {}),
        ([VISIT, ("003101000090009", 1, 25, "2025-06-02 10:00", "", "2025-06-03 10:00")], {}),
    ),
    (
        "GZ10000201008000",
        2,
        ([BED, ("003101000010001", 1, 50, "2025-06-09 09:00")], STAY),
        ([BED, ("003101000010001", 1, 50, "2025-06-08 09:00")], STAY),
    ),
    (
        "GZ10000204002000",
        None,
        ([VISIT], {"extra": visits("E", 8, "2025-05-04", 3)}),
        ([VISIT], {"extra": visits("E", 8, "2025-05-03", 3)}),
    ),
    (
        "GZ10000204003000",
        None,
        ([PHARMACY_DRUG], {**AT_PHARMACY, "extra": visits("E", 6, "2025-05-04", 3, AT_PHARMACY)}),
        ([PHARMACY_DRUG], {**AT_PHARMACY, "extra": visits("E", 6, "2025-05-03", 3, AT_PHARMACY)}),
    ),
    (
        "GZ10000204004000",
        None,
        ([BED], {**STAY, "extra": admissions("2024-06-03")}),
        ([BED], {**STAY, "extra": admissions("2024-06-02")}),
    ),
    (
        "GZ10000204005000",
        None,
        (EXAMS, {**STAY, "discharge": "2025-06-05"}),
        (EXAMS, {**STAY, "discharge": "2025-06-06"}),
    ),
    (
        "GZ10000301002000",
        2,
        ([VISIT, ("ZA04AAX0028000000000028", 1, 15)], {}),
        ([VISIT, ("ZA04AAX0028000000000028", 1, 15)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000301003000",
        2,
        ([VISIT, ("XJ01MAL0017000000000017", 1, 15)], {"birth": "2007-06-03"}),
        ([VISIT, ("XJ01MAL0017000000000017", 1, 15)], {"birth": "2007-06-02"}),
    ),
    (
        "GZ10000302003000",
        2,
        ([VISIT, ("003101000210021", 1, 40)], {}),
        ([VISIT, ("003101000210021", 1, 40)], {"birth": "2007-06-03"}),
    ),
    (
        "GZ10000302004000",
        2,
        ([VISIT, ("003101000200020", 1, 60)], {"gender": 2}),
        ([VISIT, ("003101000200020", 1, 60)], {"gender": 1}),
    ),
    (
        "GZ10000303001000",
        2,
        ([VISIT, ("C1403010060000600006", 1, 300)], {}),
        ([VISIT, ("C1403010060000600006", 1, 300), ("003101000100010", 1, 3000)], {}),
    ),
    (
        "ZF02",
        None,
        ([BED], {**STAY, "dx": "K80.100", "px": "51.2300"}),
        ([BED, ("003101000100010", 1, 3000)], {**STAY, "dx": "K80.100", "px": "51.2300"}),
    ),
    (
        "ZF03",
        None,
        (
            [VISIT, ("003101000090009", 1, 25)],
            {"extra": [("E1", [BED], {**STAY_AT("2025-06-09")})]},
        ),
        (
            [VISIT, ("003101000090009", 1, 25)],
            {"extra": [("E1", [BED], {**STAY_AT("2025-06-10")})]},
        ),
    ),
    (
        "ZF04",
        None,
        ([("003101000010001", 1, 33001)], {**STAY, "dx": "J18.900"}),
        ([("003101000010001", 1, 33000)], {**STAY, "dx": "J18.900"}),
    ),
    ("GZ10000201001000", None, ([VISIT], {"total": 11}), ([VISIT], {})),
    ("GZ10000201002000", 2, ([VISIT, ("X0000000000000000000999", 1, 1)], {}), ([VISIT], {})),
    # --- revision 2: net quantities -------------------------------------------------------
    (  # refunding one unit leaves one over the limit; a refund leaving exactly the limit
        "GZ10000102014000",
        3,
        (
            [VISIT, (LAB, 3, 20), (LAB, 2, 20), L(LAB, -1, 20, refund_of=3)],
            {},
        ),
        ([VISIT, (LAB, 3, 20), (LAB, 2, 20), L(LAB, -2, 20, refund_of=3)], {}),
        {"amount": 20.0, "severity": "violation"},
    ),
    (  # the excess over the cap is counted on the net quantity; a cancelled line is clean
        "GZ10000102001000",
        2,
        ([VISIT, (CT, 2, 230), L(CT, -1, 230, refund_of=2)], {}),
        ([VISIT, (CT, 1, 230), L(CT, -1, 230, refund_of=2)], {}),
        {"amount": 30.0},
    ),
    (  # a fully refunded line is never flagged
        "GZ10000101007000",
        2,
        ([VISIT, (CHILD_DRUG, 2, 1.8), L(CHILD_DRUG, -1, 1.8, refund_of=2)], {}),
        ([VISIT, (CHILD_DRUG, 2, 1.8), L(CHILD_DRUG, -2, 1.8, refund_of=2)], {}),
        {"amount": 1.8},
    ),
    # --- revision 2: course of treatment (days of use) -------------------------------------
    (  # sixth day of use in the year over outpatient claims; five is the limit itself
        "GZ10000101010000",
        1,
        ([DRUG_COURSE], {"admission": "2025-06-20", "extra": course_visits(5)}),
        ([DRUG_COURSE], {"admission": "2025-06-20", "extra": course_visits(4)}),
        {"amount": 5.0, "severity": "violation"},
    ),
    (  # the days of another calendar year do not count
        "GZ10000101010000",
        1,
        ([DRUG_COURSE], {"admission": "2025-01-20", "extra": course_visits(5, "2025-01-01")}),
        ([DRUG_COURSE], {"admission": "2025-01-05", "extra": course_visits(5, "2024-12-20")}),
    ),
    (  # within a stay: day six (two lines, 10.00) is flagged on its first line; a second stay
        # months after a first one starts a course of its own
        "GZ10000101010000",
        6,
        stay_days(6, extra_on_last=[DRUG_COURSE]),
        (
            stay_days(5)[0],
            {**stay_days(5)[1], "extra": [("E0", *stay_days(5, "2025-01-10"))]},
        ),
        {"amount": 10.0},
    ),
    (  # a day whose only line is refunded is no day of use
        "GZ10000101010000",
        7,
        (
            stay_days(7)[0] + [L(*DRUG_COURSE[:1], -1, 5, time=day(5), refund_of=6)],
            stay_days(7)[1],
        ),
        (
            stay_days(6)[0] + [L(*DRUG_COURSE[:1], -1, 5, time=day(5), refund_of=6)],
            stay_days(6)[1],
        ),
        {"amount": 5.0},
    ),
    (
        "GZ10000102010000",
        11,
        stay_days(11, item=(ACUPUNCTURE, 1, 30)),
        stay_days(10, item=(ACUPUNCTURE, 1, 30)),
        {"amount": 30.0, "severity": "violation"},
    ),
    # --- revision 2: split stay (same category, any institution) ---------------------------
    (  # readmitted on day 15 elsewhere with the same category; day 16 is clean
        "GZ10000204001000",
        None,
        readmitted("2025-05-25"),
        readmitted("2025-05-26"),
        {"amount": 37.5, "severity": "suspicious"},
    ),
    (  # another category at the same institution is no split stay
        "GZ10000204001000",
        None,
        readmitted("2025-05-12"),
        readmitted("2025-05-12", dx="K80.100", before_inst="H001"),
    ),
    (  # planned chemotherapy (Z51) is exempt
        "GZ10000204001000",
        None,
        readmitted("2025-05-12", dx="J18.100"),
        readmitted("2025-05-12", dx="Z51.100", before_dx="Z51.000"),
    ),
    # --- revision 2: procurement binds private institutions; JC03 by self-paid amount ------
    (
        "JC01",
        2,
        ([VISIT, (NON_SELECTED, 10, 0.3)], {"inst": "H004"}),
        ([VISIT, (SELECTED, 10, 0.15)], {"inst": "H004"}),
        {"amount": 0.0, "severity": "suspicious"},
    ),
    (  # over = 28 × (0.5 − 0.3) = 5.60; the patient paid 2.00: the fund paid 3.60
        "JC03",
        2,
        ([VISIT, L(NON_SELECTED, 28, 0.5, self_pay=2.0)], {"inst": "H004"}),
        ([VISIT, L(NON_SELECTED, 28, 0.5, self_pay=5.596)], {"inst": "H004"}),
        {"amount": 3.6, "severity": "violation"},
    ),
    (  # no self-paid amount: suspicious, 10 × 0.01
        "JC03",
        2,
        ([VISIT, (NON_SELECTED, 10, 0.31)], {"inst": "H004"}),
        ([VISIT, (NON_SELECTED, 10, 0.3)], {"inst": "H004"}),
        {"amount": 0.1, "severity": "suspicious"},
    ),
    (  # 8 of 28 refunded: over = 20 × 0.2 = 4.00, less 2.00 paid
        "JC03",
        2,
        (
            [VISIT, L(NON_SELECTED, 28, 0.5, self_pay=2.0), L(NON_SELECTED, -8, 0.5, refund_of=2)],
            {"inst": "H004"},
        ),
        (
            [VISIT, L(NON_SELECTED, 28, 0.5, self_pay=2.0), L(NON_SELECTED, -28, 0.5, refund_of=2)],
            {"inst": "H004"},
        ),
        {"amount": 2.0},
    ),
    # --- new rules ---------------------------------------------------------------------------
    (
        "GZ10000201003000",
        None,
        ([VISIT], {"sdx": "I1O.x00"}),
        ([VISIT], {"sdx": "I10.x00;K80.100"}),
    ),
    (  # an external cause cannot be the main diagnosis, but may be a secondary one
        "GZ10000201003000",
        None,
        ([VISIT], {"dx": "W19.x00"}),
        ([VISIT], {"dx": "S72.000", "sdx": "W19.x00"}),
        {"amount": 0.0, "severity": "suspicious"},
    ),
    ("GZ10000201003000", None, ([VISIT], {"dx": "Y98"}), ([VISIT], {"dx": "Y99.000"})),
    (
        "GZ10000201003000",
        None,
        ([VISIT], {"dx": "J06.90000000"}),
        ([VISIT], {"dx": "J06.9000000"}),
    ),
    (  # the sixth drug (two lines, 2 × 1.2 + 1 × 1.2) on its first line; with it refunded, five
        "GZ10000202004000",
        7,
        (SIX_KINDS, {}),
        (
            SIX_KINDS + [L(IBUPROFEN, -2, 1.2, refund_of=7), L(IBUPROFEN, -1, 1.2, refund_of=8)],
            {},
        ),
        {"amount": 3.6, "severity": "suspicious"},
    ),
    ("GZ10000202004000", 7, (SIX_KINDS, AT_PHARMACY), (SIX_KINDS, STAY)),
    (  # a sixth drug on another day is not a sixth kind that day
        "GZ10000202004000",
        7,
        (SIX_KINDS, {"visit": "chronic_outpatient"}),
        (SIX_KINDS[:6] + [(IBUPROFEN, 1, 1.2, day(3))], {"visit": "chronic_outpatient"}),
    ),
    (  # 10 over 3 days is 3.33 a day, above 2: 12.00 × (1 − 2 × 3 / 10); 6 over 3 days is 2
        "GZ10000301005000",
        2,
        ([VISIT, L(IBUPROFEN, 10, 1.2, days=3)], {}),
        ([VISIT, L(IBUPROFEN, 6, 1.2, days=3)], {}),
        {"amount": 4.8, "severity": "suspicious"},
    ),
    (  # no days_supply: one day, 3.60 × (1 − 2 / 3); a refund of 4 leaves 6 over 3 days
        "GZ10000301005000",
        2,
        ([VISIT, L(IBUPROFEN, 3, 1.2)], {}),
        ([VISIT, L(IBUPROFEN, 10, 1.2, days=3), L(IBUPROFEN, -4, 1.2, refund_of=2)], {}),
        {"amount": 1.2},
    ),
    (  # charged at the same time: the higher line_no; on different days: clean
        "GZ10000301012000",
        3,
        ([VISIT, (GANCAO, 1, 3), (GANSUI, 1, 3)], {}),
        ([VISIT, (GANCAO, 1, 3), (GANSUI, 1, 3, day(3))], {}),
        {"severity": "suspicious"},
    ),
    (  # the later by charge time is flagged; with one of the two refunded, clean
        "GZ10000301012000",
        2,
        ([VISIT, (GANSUI, 1, 3, "2025-06-02 11:00"), (GANCAO, 1, 3, "2025-06-02 10:30")], {}),
        ([VISIT, (GANSUI, 1, 3), (GANCAO, 1, 3), L(GANSUI, -1, 3, refund_of=2)], {}),
    ),
    (  # five days' stay, two of four inner days idle (2 ≥ 0.5 × 4); one idle is clean
        "XW01",
        None,
        idle_stay(5, 2),
        idle_stay(5, 3),
        {"amount": 0.0, "severity": "suspicious"},
    ),
    ("XW01", None, idle_stay(6, 2), idle_stay(4, 0)),
    (  # a visit inside a stay elsewhere; on the discharge day it is clean
        "XW02",
        None,
        during_stay("2025-06-05"),
        during_stay("2025-06-10"),
        {"amount": 7.5, "severity": "suspicious"},
    ),
    ("XW02", None, during_stay("2025-06-02", AT_PHARMACY), during_stay("2025-06-01", AT_PHARMACY)),
    (  # J18.9: average stay 7 days; 15 > 2 × 7, 14 is not
        "ZF01",
        None,
        ([BED], STAY_AT("2025-06-01") | {"discharge": "2025-06-16", "dx": "J18.900"}),
        ([BED], STAY_AT("2025-06-01") | {"discharge": "2025-06-15", "dx": "J18.900"}),
    ),
]


@pytest.fixture
def r2_ws(tmp_path):
    ws = Workspace.open(tmp_path / "r2.yibao")
    import_package(ws, SAMPLE)
    yield ws
    ws.close()


@pytest.fixture
def package(tmp_path):
    """A writable copy of the revision-2 sample package."""
    target = tmp_path / "package"
    shutil.copytree(SAMPLE, target)
    return target


def _by_claim(findings) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for f in findings:
        if f.claim_id:
            out.setdefault(f.claim_id, {})[(f.line_no, f.code)] = f
    return out


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Every case's trigger (T<n>) and clean twin (C<n>) in one package, audited once in
    three lanes of about twenty ranges (so what spans claims — a patient's visits, a course
    of treatment, a split stay — spans ranges and lanes) and once in one range."""
    root = tmp_path_factory.mktemp("planted")
    package = root / "package"
    shutil.copytree(SAMPLE, package)
    for n, (_code, _line, trigger, clean, *_expect) in enumerate(CASES):
        plant(package, f"T{n:03d}", trigger)
        plant(package, f"C{n:03d}", clean)
    (root / "plugins").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YIBAO_PLUGINS_DIR", str(root / "plugins"))
        plugins = load_plugins()
        ws = Workspace.open(root / "w.yibao")
        import_package(ws, package)
        whole = run_audit(ws, plugins=plugins, lanes=1)
        patch.setattr(lanes_module, "RANGE_LINES", ws.count("lines") // 20)
        assert lanes_module.range_count(ws.conn, 3) >= 18
        lanes = run_audit(ws, plugins=plugins, lanes=3)
        yield {
            "ws": ws,
            "plugins": plugins,
            "result": lanes,
            "whole": whole,
            "by_claim": _by_claim(lanes.findings),
        }
        ws.close()


IDS = [f"{n:03d}-{c[0]}" for n, c in enumerate(CASES)]


@pytest.mark.parametrize("n", range(len(CASES)), ids=IDS)
def test_rule_triggers(planted, n):
    code, line, _trigger, _clean, *expect = CASES[n]
    found = planted["by_claim"].get(f"T{n:03d}", {})
    assert (line, code) in found, sorted(found)
    finding = found[(line, code)]
    for key, value in (expect[0] if expect else {}).items():
        assert finding.to_json()[key] == value, (key, finding.message)


@pytest.mark.parametrize("n", range(len(CASES)), ids=IDS)
def test_clean_twin_and_boundary_do_not(planted, n):
    code = CASES[n][0]
    found = planted["by_claim"].get(f"C{n:03d}", {})
    assert code not in {c for _, c in found}, [f.message for f in found.values()]


def _comparable(result) -> list[tuple]:
    return sorted(
        (f.rule_id, f.claim_id or "", f.line_no or 0, f.institution_code or "")
        + (f.subject or "", f.amount, f.message, f.message_en)
        for f in result.findings
    )


def test_ranges_and_lanes_find_what_one_range_finds(planted):
    assert _comparable(planted["result"]) == _comparable(planted["whole"])


def test_a_stored_runs_sums_in_sql_are_the_sums_of_its_findings(planted):
    ws, run = planted["ws"], planted["whole"]
    by_code = summarise_run(ws, run.run_id)
    assert len(by_code) > 20
    assert by_code == summarise(run.findings, lambda f: f.code)
    by_inst = summarise_run(ws, run.run_id, "institution")
    assert by_inst == summarise(run.findings, lambda f: f.institution_code or "-")


def test_a_stored_run_gives_its_findings_in_the_order_a_dry_run_holds_them(planted):
    """A stored run spools its findings to the workspace and sorts them in SQL; a dry run
    holds and sorts them in Python: the same findings in the same order."""
    dry = run_audit(planted["ws"], plugins=planted["plugins"], lanes=1, store=False)
    stored = planted["whole"].findings
    assert len(stored) == len(dry.findings) > 100
    assert any(f.line_no is None for f in stored) and any(f.claim_id is None for f in stored)

    def seen(f):
        return (f.claim_id, f.line_no, f.code, f.institution_code, f.subject, f.amount, f.message)

    assert [seen(f) for f in stored] == [seen(f) for f in dry.findings]


def test_refund_lines_and_cancelled_lines_are_never_flagged(planted):
    conn = planted["ws"].conn
    flagged = [(f.claim_id, f.line_no) for f in planted["result"].findings if f.line_no]
    assert flagged
    for claim_id, line_no in flagged:
        refund_of, net = conn.execute(
            "SELECT l.refund_of, l.quantity + coalesce((SELECT sum(r.quantity) FROM lines r"
            " WHERE r.claim_id = l.claim_id AND r.refund_of = l.line_no), 0)"
            " FROM lines l WHERE claim_id = ? AND line_no = ?",
            (claim_id, line_no),
        ).fetchone()
        assert refund_of is None and net > 0, (claim_id, line_no)


def test_messages_read_coded_values_as_words(planted):
    messages = {(f.claim_id, f.code): (f.message, f.message_en) for f in planted["result"].findings}
    n = next(i for i, c in enumerate(CASES) if c[0] == "GZ10000101001000")
    zh, en = messages[(f"T{n:03d}", "GZ10000101001000")]
    assert "本次险种为职工医保" in zh and "employee insurance" in en
    n = next(i for i, c in enumerate(CASES) if c[0] == "GZ10000301004000")
    zh, en = messages[(f"T{n:03d}", "GZ10000301004000")]
    assert "患者性别男" in zh and "限女性使用" in zh and "female" in en
    n = next(i for i, c in enumerate(CASES) if c[0] == "GZ10000102012000")
    zh, _ = messages[(f"T{n:03d}", "GZ10000102012000")]
    assert "肝功能" in zh and "003101000060006" in zh  # the including item's name and code
    n = next(i for i, c in enumerate(CASES) if c[0] == "GZ10000201002000")
    zh, _ = messages[(f"T{n:03d}", "GZ10000201002000")]
    assert "目录外" in zh and "=" not in zh


# Every code of rules_spec.md (revision 2), listed, not counted.
SPEC_CODES = (
    [f"GZ10000101{n:03d}000" for n in range(1, 13)]
    + [f"GZ10000102{n:03d}000" for n in range(1, 16)]
    + [f"GZ10000103{n:03d}000" for n in range(1, 4)]
    + [f"GZ10000201{n:03d}000" for n in (1, 2, 3, 4, 5, 7, 8)]
    + ["GZ10000202004000"]
    + [f"GZ10000204{n:03d}000" for n in range(1, 8)]
    + [f"ZB10000205{n:03d}000" for n in (1, 2, 3, 4, 5, 6, 8)]
    + ["XW01", "XW02"]
    + [f"GZ10000301{n:03d}000" for n in (1, 2, 3, 4, 5, 6, 9, 11, 12)]
    + ["GZ10000302003000", "GZ10000302004000"]
    + [f"GZ10000303{n:03d}000" for n in range(1, 4)]
    + [f"JC0{n}" for n in range(1, 6)]
    + [f"ZF0{n}" for n in range(1, 7)]
)


@pytest.mark.parametrize("code", SPEC_CODES)
def test_every_code_of_rules_spec_is_present(plugins, code):
    assert code in {r.code for r in load_rulebook(plugins).rules()}


def test_every_spec_code_has_a_trigger_and_a_clean_case():
    institution = {c for c in SPEC_CODES if c.startswith("ZB")} | {"JC04", "JC05", "ZF05", "ZF06"}
    planted_codes = {c[0] for c in CASES}
    assert set(SPEC_CODES) - institution - planted_codes == set()


def test_points_effect_is_declared_where_the_spec_says_and_reachable_by_rule_id(planted, plugins):
    rulebook = load_rulebook(plugins)
    effects = {r.code: r.points_effect for r in rulebook.rules() if r.points_effect}
    assert effects == {
        "GZ10000204001000": "zero",
        "GZ10000204005000": "zero",
        "ZF02": "regroup_conservative",
    }
    split = next(f for f in planted["result"].findings if f.code == "GZ10000204001000")
    assert rulebook.rule(split.rule_id).points_effect == "zero"
    assert rulebook.rule("no.such.rule") is None


def _with_extra_rules(monkeypatch, folder):
    """Plug-ins whose national baseline also registers the rule files in ``folder``."""
    from engine import national
    from engine.hookspecs import hookimpl

    original = national.yibao_rulesets

    @hookimpl
    def yibao_rulesets(register):
        original(register)
        register(folder)

    monkeypatch.setattr(national, "yibao_rulesets", yibao_rulesets)
    return load_plugins()


def test_malformed_rule_file_is_reported_and_others_run(tmp_path, r2_ws, monkeypatch):
    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "broken.yaml").write_text("id: x\nversion: 1\ntitle: t\nrules: [\n", encoding="utf-8")
    (extra / "unknown_field.yaml").write_text(
        "id: local.x\nversion: '1'\ntitle: t\nrules:\n  - id: r\n    code: L1\n    severity: violation\n"
        "    scope: line\n    when: no_such_field > 1\n    message: m\n",
        encoding="utf-8",
    )
    result = run_audit(r2_ws, plugins=_with_extra_rules(monkeypatch, extra))
    text = "\n".join(result.problems)
    assert "broken.yaml" in text and "not valid YAML" in text
    assert "rule local.x.r: when: unknown field no_such_field" in text
    assert any(f.code == "GZ10000204001000" for f in result.findings)


def test_a_parameter_can_switch_part_of_a_rule(tmp_path, sample_ws, monkeypatch):
    """``param.x == 1`` is decided when the rule is compiled: a rule set of a region can
    write a condition that a parameter turns on and off."""
    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "switch.yaml").write_text(
        "id: local.s\nversion: '1'\ntitle: t\nrules:\n  - id: r\n    code: L3\n"
        "    severity: suspicious\n    scope: claim\n"
        "    when: param.procurement_public_only == 1 or claim_id == 'S-OK'\n    message: m\n",
        encoding="utf-8",
    )
    plugins = _with_extra_rules(monkeypatch, extra)
    found = {f.claim_id for f in run_audit(sample_ws, plugins=plugins).findings if f.code == "L3"}
    assert found == {"S-OK"}
    sample_ws.set_setting(PARAMS_SETTING, {"procurement_public_only": True})
    found = {f.claim_id for f in run_audit(sample_ws, plugins=plugins).findings if f.code == "L3"}
    assert found == {r[0] for r in sample_ws.conn.execute("SELECT claim_id FROM claims")}


def test_action_error_is_raised_not_swallowed(tmp_path, sample_ws, monkeypatch):
    from engine.rules.runner import RuleActionError

    extra = tmp_path / "rules"
    extra.mkdir()
    (extra / "divide.yaml").write_text(
        "id: local.y\nversion: '1'\ntitle: t\nrules:\n  - id: r\n    code: L2\n    severity: violation\n"
        "    scope: line\n    when: quantity > 0\n    amount: amount / (quantity - quantity)\n    message: m\n",
        encoding="utf-8",
    )
    plugins = _with_extra_rules(monkeypatch, extra)
    with pytest.raises(RuleActionError, match="local.y.r"):
        run_audit(sample_ws, plugins=plugins)


def test_unknown_ruleset_name_is_a_user_error(sample_ws, plugins):
    with pytest.raises(UserError):
        run_audit(sample_ws, plugins=plugins, rulesets=["nope"])


def test_procurement_binds_private_institutions_unless_the_region_says_public_only(r2_ws, plugins):
    def found():
        return {
            (f.claim_id or f.institution_code, f.code)
            for f in run_audit(r2_ws, plugins=plugins).findings
            if f.code in ("JC01", "JC04", "JC05")
        }

    private = {("S-JC03", "JC01"), ("S-JC03-PAID", "JC01"), ("H004", "JC04"), ("H004", "JC05")}
    assert private <= found()
    r2_ws.set_setting(PARAMS_SETTING, {"procurement_public_only": True})
    assert found() == {("H001", "JC04"), ("H003", "JC04")}


def _institution_findings(tmp_path, package, plugins):
    tmp_path.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(tmp_path / "i.yibao")
    import_package(ws, package)
    found = {
        (f.institution_code, f.code): f
        for f in run_audit(ws, plugins=plugins).findings
        if f.claim_id is None
    }
    ws.close()
    return found


INDICATOR_ITEMS = {
    "ZB10000205001000": "XC08CAN0021000000000021",  # drug
    "ZB10000205002000": "003101000090009",  # exam
    "ZB10000205003000": "C1403010010000100001",  # consumable
    "ZB10000205004000": "003101000190019",  # treatment
    "ZB10000205005000": "003101000040004",  # CT
    "ZB10000205006000": "003101000050005",  # MRI
}
READMISSION = "ZB10000205008000"


def _peers(package, outlier_code, claims=30, outlier_claims=30):
    """Five level-2 hospitals Z01–Z05 with ``claims`` stays each (``outlier_claims`` at Z05),
    one for each patient, spending 20 on every kind of item. Z05 also spends 200 on
    ``outlier_code``'s kind, or (the readmission indicator) readmits each patient once."""
    mix = [VISIT] + [(code, 1, 20) for code in INDICATOR_ITEMS.values()]
    with open(package / "reference" / "institutions.csv", "a", encoding="utf-8") as handle:
        for n in range(1, 6):
            handle.write(f"Z0{n},同级医院{n},2,general,1,440500,\n")
    for n in range(1, 6):
        for k in range(outlier_claims if n == 5 else claims):
            lines = list(mix)
            if n == 5 and outlier_code in INDICATOR_ITEMS:
                lines.append((INDICATOR_ITEMS[outlier_code], 10, 20))
            stay = STAY_AT("2025-03-01") | {"discharge": "2025-03-04", "inst": f"Z0{n}"}
            if n == 5 and outlier_code == READMISSION and k % 2:
                stay |= {"admission": "2025-03-20", "discharge": "2025-03-23"}
            patient = f"PZ{n}{k // 2 if n == 5 and outlier_code == READMISSION else k}"
            write_claim(package, f"Z{n}{k:02d}", lines, patient=patient, **stay)


@pytest.mark.parametrize("code", [*INDICATOR_ITEMS, READMISSION])
def test_institution_indicator_outlier_among_five_peers(tmp_path, package, plugins, code):
    """Four peers alike (median m, MAD 0): the threshold is m + 3 × 0.05 × m, or 0 when m is
    0; Z05's share is far above it."""
    _peers(package, code)
    found = _institution_findings(tmp_path, package, plugins)
    assert ("Z05", code) in found
    assert not {c for inst, c in found if inst != "Z05"} & {*INDICATOR_ITEMS, READMISSION}
    message = found[("Z05", code)].message
    assert "中位数" in message and "阈值" in message and "5家" in message


def test_institution_indicators_clean_among_alike_peers(tmp_path, package, plugins):
    _peers(package, None)
    found = _institution_findings(tmp_path, package, plugins)
    assert not {c for _inst, c in found} & {*INDICATOR_ITEMS, READMISSION}


def test_institution_with_too_few_claims_is_neither_judged_nor_a_peer(tmp_path, package, plugins):
    _peers(package, "ZB10000205001000", outlier_claims=29)  # four peers are too few
    found = _institution_findings(tmp_path, package, plugins)
    assert not {c for _inst, c in found} & {*INDICATOR_ITEMS, READMISSION}


def _year_of_stays(package, december: int):
    """H004: three stays a month January to November and ``december`` in December."""
    months = [(m, n) for m in range(1, 12) for n in range(3)] + [(12, n) for n in range(december)]
    for m, n in months:
        when = f"2025-{m:02d}-{10 + n * 5:02d}"
        end = f"2025-{m:02d}-{12 + n * 5:02d}"
        fields = {"visit": "inpatient", "inst": "H004", "admission": when, "discharge": end}
        write_claim(package, f"Y{m:02d}{n}", [BED], patient=f"PY{m}{n}", status=1, **fields)


def test_year_end_refusal(tmp_path, package, plugins):
    # Jan–Nov: 33 discharges, 3 a month; December 1 < 3 × 0.6
    _year_of_stays(package, december=1)
    assert ("H004", "ZF05") in _institution_findings(tmp_path, package, plugins)


def test_year_end_refusal_clean(tmp_path, package, plugins):
    _year_of_stays(package, december=2)  # 2 ≥ 1.8: not a drop
    assert ("H004", "ZF05") not in _institution_findings(tmp_path, package, plugins)


def test_volume_shortfall_clean_when_the_agreed_volume_is_used(tmp_path, package, plugins):
    assert ("H001", "JC04") in _institution_findings(tmp_path / "a", package, plugins)
    write_claim(package, "T1", [VISIT, ("XC08CAA0001000000000001", 78, 0.15)])
    assert ("H001", "JC04") not in _institution_findings(tmp_path / "b", package, plugins)

"""Generate a realistic synthetic pooling region as a contract data package.

The background is built from templates that break no national rule; violations of known
kinds are planted on a few percent of claims and recorded as ground truth, so an audit's
precision and recall can be measured. Deterministic for a seed.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from engine import contract

BASE = Path(__file__).parent / "base"
YEAR = 2025

INSTITUTIONS = [
    ("H001", "市第一人民医院", 3, "general", 1, ""),
    ("H002", "市中心医院", 3, "general", 1, ""),
    ("H003", "市中医院", 3, "tcm", 1, ""),
    ("H004", "区人民医院", 2, "general", 1, ""),
    ("H005", "仁爱医院", 2, "general", 0, "0.9"),
    ("H006", "妇幼保健院", 2, "specialist", 1, ""),
    ("H007", "城东社区卫生服务中心", 1, "primary", 1, ""),
    ("H008", "康宁诊所", 1, "primary", 0, ""),
    # two more tertiary hospitals: five of one level, so the institutions have peers
    # (TJ04 and the ZB indicators need peer_min = 5 of a level; analytics.md §1)
    ("H009", "市第二人民医院", 3, "general", 1, ""),
    ("H010", "市第三人民医院", 3, "general", 1, ""),
    ("P001", "康民大药房", 0, "pharmacy", 0, ""),
    ("P002", "仁心药店", 0, "pharmacy", 0, ""),
]
HOSPITALS = [i[0] for i in INSTITUTIONS if i[2] > 0]
PUBLIC = {i[0] for i in INSTITUTIONS if i[4] == 1}

GENERICS = [
    ("头孢呋辛酯片", "J01DC02"),
    ("阿奇霉素片", "J01FA10"),
    ("奥美拉唑肠溶胶囊", "A02BC01"),
    ("多潘立酮片", "A03FA03"),
    ("格列美脲片", "A10BB12"),
    ("阿卡波糖片", "A10BF01"),
    ("酒石酸美托洛尔片", "C07AB02"),
    ("氢氯噻嗪片", "C03AA03"),
    ("布洛芬缓释胶囊", "M01AE01"),
    ("对乙酰氨基酚片", "N02BE01"),
    ("氯雷他定片", "R06AX13"),
    ("孟鲁司特钠片", "R03DC03"),
    ("盐酸氨溴索口服溶液", "R05CB06"),
    ("甲钴胺片", "B03BA05"),
    ("维生素C片", "A11GA01"),
    ("蒙脱石散", "A07BC05"),
    ("双歧杆菌三联活菌胶囊", "A07FA01"),
    ("硫酸氢氯吡格雷片", "B01AC04"),
    ("瑞格列奈片", "A10BX02"),
    ("复方甘草片", "R05DA20"),
    ("甲硝唑片", "P01AB01"),
    ("坎地沙坦酯片", "C09CA06"),
    ("辛伐他汀片", "C10AA01"),
]
STRENGTHS = ["5mg", "10mg", "20mg", "0.1g", "0.25g", "0.5g", "1g", "2mg", "50mg", "100mg"]
VISIT = "003101000300030"
BED, WARD, NURSE, SALINE, INFUSION = (
    "003101000010001",
    "003101000020002",
    "003101000030003",
    "XB05BBL0023000000000023",
    "C1403010010000100001",
)
AMLODIPINE_SELECTED, AMLODIPINE_OTHER = "XC08CAA0001000000000001", "XC08CAA0002000000000002"
# rules_spec r2: a course-limited drug, a daily dose limit, a 十八反 pair, a lab's daily limit
OSELTAMIVIR, IBUPROFEN, LAB = (
    "XJ05AHA0027000000000027",
    "XM01AEB0031000000000031",
    "003101000080008",
)
GANCAO, GANSUI = "T0000050035000000000035", "T0000060036000000000036"
DOCTORS_PER_INSTITUTION = 2
# Doctors far above their DIP groups' peers (analytics.md §2, TJ01/TJ02): a factor on the cost
# or the length of every stay they treat.
OUTLIER_DOCTORS = {"DR0021": ("cost", 2.6), "DR0041": ("los", 2.5)}
# Institutions spread over the appraisal bands (analytics.md §4): factors on the cost and the
# length of their stays, and the share of their outpatient claims whose total disagrees with
# their lines (a settlement-list error, GZ10000201001000, which lowers their data quality).
PROFILES = {"H002": (1.0, 1.0, 0.3), "H003": (1.8, 1.4, 0.3), "H006": (2.2, 2.0, 0.6)}
# With a prior year, this share of the year's outpatient and pharmacy claims also happened a
# year earlier, so the fund monitor has a base to grow from (analytics.md §5).
PRIOR_YEAR_SHARE = 0.87
STAYS = [  # main diagnosis, main procedure, avg cost, avg los (from the demo DIP catalogue)
    ("K80.100", "51.2300", 16400, 6),
    ("J18.900", None, 6600, 7),
    ("E11.900", None, 5000, 7),
]


@dataclass
class Region:
    """What generating keeps: the ground truth and a few running sums. The claims and lines
    themselves go to ``write`` as they are made (a package's CSV files), so a region of any
    size is generated in the same memory."""

    write: Callable[[list, list[list]], None]  # (claim row, its lines)
    truth: list[tuple] = field(default_factory=list)  # (code, claim_id, line_no, institution)
    claims: int = 0
    lines: int = 0
    #: the year's inpatient fund_paid by fund (the DIP budget of dip_params.json)
    paid: dict[str, float] = field(default_factory=lambda: {"employee": 0.0, "resident": 0.0})
    #: (claim id, day, institution, visit type) of the outpatient claims a prior year repeats
    repeated: list[tuple] | None = None

    def add(self, claim: list, lines: list[list]) -> None:
        self.write(claim, lines)
        self.claims += 1
        self.lines += len(lines)
        if (
            claim[5] == "inpatient"
            and claim[10].startswith(str(YEAR))
            and claim[4] != "work_injury"
        ):
            self.paid["resident" if claim[4] == "resident" else "employee"] += float(claim[17])
        if self.repeated is not None and claim[0].startswith("O"):
            if int(claim[0][1:]) % 100 < PRIOR_YEAR_SHARE * 100:
                self.repeated.append((claim[0], claim[9], claim[6], claim[5]))


def _catalogue_rows() -> tuple[list[str], list[list[str]], list[tuple[str, str]]]:
    with open(BASE / "catalogue.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    plain = []
    for g, (name, atc) in enumerate(GENERICS):
        for s, strength in enumerate(STRENGTHS):
            code = f"X{atc[:5]}{chr(65 + s)}{g:04d}{s:03d}000000{g:03d}"[:23].ljust(23, "0")
            row = [""] * len(header)
            row[:7] = [code, f"{name}({strength})", "drug", "", name, atc, "A"]
            body.append(row)
            plain.append((code, f"{name}({strength})"))
    return header, body, plain


class Generator:
    def __init__(
        self,
        seed: int,
        lines_target: int,
        inpatient_share: float = 0.35,
        prior_year: bool = False,
        write: Callable[[list, list[list]], None] = lambda claim, lines: None,
    ):
        self.rng = random.Random(seed)
        self.prior_year = prior_year
        self.target = lines_target
        self.inpatient_share = inpatient_share
        self.region = Region(write, repeated=[] if prior_year else None)
        self.header, self.catalogue, self.plain = _catalogue_rows()
        names = {r[0]: r[1] for r in self.catalogue}
        self.names = names
        self.serial = 0
        self.last_dx: str | None = None  # the main diagnosis of the latest stay made

    # --- helpers --------------------------------------------------------------------------
    def _new_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial:08d}"

    def _birth(self, low: int = 1950, high: int = 2000) -> str:
        return date(
            self.rng.randint(low, high), self.rng.randint(1, 12), self.rng.randint(1, 28)
        ).isoformat()

    def _day(self, start_month: int = 1, end_month: int = 12) -> date:
        start = date(YEAR, start_month, 1)
        end = date(YEAR, end_month, 28)
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    @staticmethod
    def _line(claim_id, no, code, name, when: datetime, qty, price, days=None, upload=None):
        amount = round(qty * price, 4)
        return [
            claim_id,
            no,
            code,
            name,
            when.strftime("%Y-%m-%d %H:%M"),
            upload.strftime("%Y-%m-%d %H:%M") if upload else "",
            _num(qty),
            _num(price),
            _num(amount),
            days or "",
            "",
            "",
            "",
            "",
        ]

    def _claim(
        self,
        claim_id,
        patient,
        gender,
        birth,
        visit_type,
        inst,
        admit: date,
        discharge: date | None,
        dx,
        px,
        lines: list[list],
        insurance="employee",
        extra: float = 0.0,
    ):
        total = round(sum(float(line[8]) for line in lines) + extra, 2)
        fund = round(total * 0.75, 2)
        self.region.add(
            [
                claim_id,
                patient,
                gender,
                birth,
                insurance,
                visit_type,
                inst,
                "IM",
                doctor_of(inst, claim_id),
                admit.isoformat(),
                discharge.isoformat() if discharge else "",
                dx,
                "",
                px or "",
                "",
                1 if visit_type == "inpatient" else "",
                _num(total),
                _num(fund),
                _num(round(total - fund, 2)),
                (discharge or admit).isoformat(),
                "",
            ],
            lines,
        )

    def plant(self, code: str, claim_id: str, line_no: int | None, inst: str) -> None:
        self.region.truth.append((code, claim_id, line_no, inst))

    # --- clean templates -------------------------------------------------------------------
    def outpatient(
        self,
        inst: str | None = None,
        day: date | None = None,
        patient=None,
        birth=None,
        gender=None,
        visit_type="outpatient",
    ):
        rng = self.rng
        inst = inst or rng.choice(HOSPITALS if visit_type != "pharmacy" else ["P001", "P002"])
        day = day or self._day()
        claim_id = self._new_id("O")
        patient = patient or self._new_id("P")
        when = datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59))
        lines = []
        if visit_type != "pharmacy":
            lines.append(self._line(claim_id, 1, VISIT, "门诊诊查费", when, 1, 10.0))
        for code, name in rng.sample(self._distinct_drugs(), rng.randint(1, 2)):
            lines.append(
                self._line(
                    claim_id,
                    len(lines) + 1,
                    code,
                    name,
                    when,
                    rng.randint(1, 3),
                    round(rng.uniform(5, 60), 2),
                )
            )
        if rng.random() < 0.2:  # r2: procurement priority binds private institutions too
            lines.append(
                self._line(
                    claim_id,
                    len(lines) + 1,
                    AMLODIPINE_SELECTED,
                    self.names[AMLODIPINE_SELECTED],
                    when,
                    28,
                    0.15,
                )
            )
        return (
            claim_id,
            patient,
            gender or rng.choice((1, 2)),
            birth or self._birth(),
            visit_type,
            inst,
            day,
            lines,
        )

    def _distinct_drugs(self):
        rng = self.rng
        generics = rng.sample(range(len(GENERICS)), 3)
        return [self.plain[g * len(STRENGTHS) + rng.randrange(len(STRENGTHS))] for g in generics]

    def add_outpatient(self, **kw) -> tuple:
        claim_id, patient, gender, birth, vt, inst, day, lines = self.outpatient(**kw)
        error = vt != "pharmacy" and int(claim_id[1:]) % 100 < profile(inst)[2] * 100
        self._claim(
            claim_id, patient, gender, birth, vt, inst, day, None, "J06.900", None, lines,
            extra=1.0 if error else 0.0,
        )  # fmt: skip
        if error:
            self.plant("GZ10000201001000", claim_id, None, inst)
        return claim_id, inst, lines

    def stay(self, inst: str | None = None, admit: date | None = None, patient=None, dx=None):
        """A stay (of diagnosis ``dx``'s template when given: a readmission for the same
        disease)."""
        rng = self.rng
        inst = inst or rng.choice(HOSPITALS)
        template = rng.choice(STAYS)
        dx, px, avg_cost, avg_los = next((s for s in STAYS if s[0] == dx), template)
        self.last_dx = dx
        claim_id = self._new_id("I")
        doctor = doctor_of(inst, claim_id)
        los = round(rng.randint(4, avg_los) * outlier_factor(doctor, "los") * profile(inst)[1])
        admit = admit or self._day(1, 12)
        if admit + timedelta(days=los) > date(YEAR, 12, 31):
            admit = date(YEAR, 12, 31) - timedelta(days=los)
        discharge = admit + timedelta(days=los)
        if los > 2 * avg_los:  # ZF01 超长住院 (long_stay_factor 2); every caller stores the stay
            self.plant("ZF01", claim_id, None, inst)
        lines: list[list] = []
        for d in range(los):
            when = datetime.combine(admit + timedelta(days=d), datetime.min.time()).replace(hour=9)
            for code, name, price, qty in (
                (BED, "床位费(三人间)", 50.0, 1),
                (WARD, "住院诊查费", 20.0, 1),
                (NURSE, "一般专项护理", 30.0, 1),
                (SALINE, "0.9%氯化钠注射液", 4.5, 2),
                (INFUSION, "一次性使用输液器", 5.0, 1),
            ):
                lines.append(self._line(claim_id, len(lines) + 1, code, name, when, qty, price))
        when = datetime.combine(admit + timedelta(days=1), datetime.min.time()).replace(hour=10)
        if px:
            lines.append(
                self._line(
                    claim_id,
                    len(lines) + 1,
                    "003101000100010",
                    "腹腔镜下胆囊切除术",
                    when,
                    1,
                    3000.0,
                )
            )
        spent = sum(float(line[8]) for line in lines)
        target = avg_cost * rng.uniform(0.8, 1.2) * (0.9 if inst == "H005" else 1.0)
        target *= outlier_factor(doctor, "cost") * profile(inst)[0]
        code, name = self.plain[rng.randrange(len(self.plain))]
        price = 95.0
        qty = max(1, int((target - spent) / price))
        lines.append(self._line(claim_id, len(lines) + 1, code, name, when, qty, price))
        return claim_id, inst, admit, discharge, dx, px, lines, patient or self._new_id("P")

    def add_stay(self, **kw) -> tuple:
        claim_id, inst, admit, discharge, dx, px, lines, patient = self.stay(**kw)
        # two stays in five are residents' (居民医保), chosen by id so the draws stay the same
        resident = zlib.crc32(claim_id.encode()) % 5 < 2
        self._claim(
            claim_id,
            patient,
            self.rng.choice((1, 2)),
            self._birth(1950, 1995),
            "inpatient",
            inst,
            admit,
            discharge,
            dx,
            px,
            lines,
            insurance="resident" if resident else "employee",
        )
        return claim_id, inst, lines, patient, discharge

    # --- planted violations ----------------------------------------------------------------
    def plant_one(self, kind: int) -> None:
        rng = self.rng
        if kind == 0:  # adult given a children-only drug
            claim_id, patient, g, b, vt, inst, day, lines = self.outpatient()
            code = "XR05XAX0005000000000005"
            lines.append(
                self._line(claim_id, len(lines) + 1, code, self.names[code], _at(day), 2, 1.8)
            )
            self._claim(
                claim_id, patient, g, "1970-05-05", vt, inst, day, None, "J06.900", None, lines
            )
            self.plant("GZ10000101007000", claim_id, len(lines), inst)
        elif kind == 1:  # CT above its price cap
            claim_id, patient, g, b, vt, inst, day, lines = self.outpatient()
            lines.append(
                self._line(
                    claim_id,
                    len(lines) + 1,
                    "003101000040004",
                    "X线计算机体层(CT)平扫",
                    _at(day),
                    1,
                    230.0,
                )
            )
            self._claim(claim_id, patient, g, b, vt, inst, day, None, "J06.900", None, lines)
            self.plant("GZ10000102001000", claim_id, len(lines), inst)
        elif kind == 2:  # a stay split in two
            first, inst, _, patient, discharge = self.add_stay(admit=self._day(1, 10))
            claim_id, inst, admit, disc, dx, px, lines, _ = self.stay(
                inst=inst,
                admit=discharge + timedelta(days=rng.randint(2, 10)),
                patient=patient,
                dx=self.last_dx,  # r2: the same disease category as the first stay
            )
            self._claim(
                claim_id, patient, 1, "1960-03-03", "inpatient", inst, admit, disc, dx, px, lines
            )
            self.plant("GZ10000204001000", claim_id, None, inst)
        elif kind == 3:  # work-injury drug for an employee claim
            self._plant_line("XN07XXS0011000000000011", 1, 60.0, "GZ10000101001000")
        elif kind == 4:  # herbal piece never payable
            self._plant_line("T0000010031000000000031", 10, 30.0, "GZ10000101003000")
        elif kind == 5:  # liver panel and ALT charged the same day
            claim_id, patient, g, b, vt, inst, day, lines = self.outpatient()
            for code, name, price in (
                ("003101000060006", "肝功能组合", 60.0),
                ("003101000070007", "丙氨酸氨基转移酶测定", 8.0),
            ):
                lines.append(self._line(claim_id, len(lines) + 1, code, name, _at(day), 1, price))
            self._claim(claim_id, patient, g, b, vt, inst, day, None, "J06.900", None, lines)
            self.plant("GZ10000102012000", claim_id, len(lines), inst)
        elif kind == 6:  # blood count over its daily limit
            self._plant_line("003101000080008", 5, 20.0, "GZ10000102014000")
        elif kind == 7:  # metformin supplied beyond the maximum days
            self._plant_line("XA10BAE0014000000000014", 2, 30.0, "GZ10000101009000", days=60)
        elif kind == 8:  # selected product above its procurement price (and payment standard)
            claim_id, line_no, inst = self._plant_line(
                AMLODIPINE_SELECTED, 28, 0.5, "JC02", public=True
            )
            self.plant("JC03", claim_id, line_no, inst)
        elif kind == 9:  # progesterone for a male patient
            self._plant_line("XG03DAH0016000000000016", 1, 12.0, "GZ10000301004000", gender=1)
        elif kind == 10:  # late upload
            claim_id, patient, g, b, vt, inst, day, lines = self.outpatient()
            late = _at(day) + timedelta(hours=72)
            lines.append(
                self._line(
                    claim_id,
                    len(lines) + 1,
                    "003101000090009",
                    "常规心电图检查",
                    _at(day),
                    1,
                    25.0,
                    upload=late,
                )
            )
            self._claim(claim_id, patient, g, b, vt, inst, day, None, "J06.900", None, lines)
            self.plant("GZ10000201007000", claim_id, len(lines), inst)
        elif kind == 11:  # inpatient-only service in an outpatient visit
            self._plant_line(WARD, 1, 20.0, "GZ10000102009000")
        elif kind == 12:  # warfarin then aspirin the same day
            claim_id, patient, g, b, vt, inst, day, lines = self.outpatient()
            for minute, code in ((0, "XB01AAW0019000000000019"), (5, "XB01ACA0020000000000020")):
                lines.append(
                    self._line(
                        claim_id,
                        len(lines) + 1,
                        code,
                        self.names[code],
                        _at(day) + timedelta(minutes=minute),
                        1,
                        2.0,
                    )
                )
            self._claim(claim_id, patient, g, b, vt, inst, day, None, "J06.900", None, lines)
            self.plant("GZ10000301011000", claim_id, len(lines), inst)
        elif kind == 13:  # digoxin for an elderly patient
            self._plant_line(
                "XC01AAD0018000000000018", 1, 3.0, "GZ10000301009000", birth="1945-02-02"
            )
        elif kind == 14:  # a charge after discharge
            claim_id, inst, admit, disc, dx, px, lines, patient = self.stay()
            when = datetime.combine(disc + timedelta(days=1), datetime.min.time()).replace(hour=9)
            lines.append(self._line(claim_id, len(lines) + 1, NURSE, "一般专项护理", when, 1, 30.0))
            self._claim(
                claim_id, patient, 2, "1966-06-06", "inpatient", inst, admit, disc, dx, px, lines
            )
            self.plant("GZ10000201008000", claim_id, len(lines), inst)
        else:  # a male patient with a female-only diagnosis
            claim_id, patient, g, b, vt, inst, day, lines = self.outpatient()
            self._claim(claim_id, patient, 1, b, vt, inst, day, None, "O80.000", None, lines)
            self.plant("GZ10000204006000", claim_id, None, inst)

    def _plant_line(
        self, code, qty, price, rule_code, days=None, gender=None, birth=None, public=False
    ):
        inst = self.rng.choice(sorted(PUBLIC & set(HOSPITALS))) if public else None
        claim_id, patient, g, b, vt, inst, day, lines = self.outpatient(inst=inst)
        lines.append(
            self._line(
                claim_id, len(lines) + 1, code, self.names[code], _at(day), qty, price, days=days
            )
        )
        self._claim(
            claim_id, patient, gender or g, birth or b, vt, inst, day, None, "J06.900", None, lines
        )
        self.plant(rule_code, claim_id, len(lines), inst)
        return claim_id, len(lines), inst

    def _daily_drug(self, lines, claim_id, code, name, admit: date, days: int, qty: int) -> None:
        """``qty`` units of a drug at 95.00 spread over the stay's days (at least one a day),
        so no day of the stay is idle (XW01 挂床住院 looks for days without treatment)."""
        days = max(days, 1)
        qty = max(qty, days)
        for d in range(days):
            when = datetime.combine(admit + timedelta(days=d), datetime.min.time()).replace(hour=10)
            share = qty // days + (d < qty % days)
            lines.append(self._line(claim_id, len(lines) + 1, code, name, when, share, 95.0))

    # --- the whole region -------------------------------------------------------------------
    def build(self, history: bool = True) -> Region:
        rng = self.rng
        kinds = 16
        while self.region.lines < self.target:
            roll = rng.random()
            if roll < 0.012:
                self.plant_one(rng.randrange(kinds))
            elif roll < 0.012 + self.inpatient_share / 30:
                self.add_stay()
            elif roll < 0.97:
                self.add_outpatient()
            else:
                self.add_outpatient(visit_type="pharmacy")
        if history:
            self._history()
        if self.prior_year:
            self._prior_year()
        self._dip_mix()
        self._r2_cases()
        return self.region

    # --- every DIP case type and payment method (dip_spec.md), after everything else -------
    def _case(self, inst, dx, los, cost, insurance="employee", gender=None) -> str:
        """An inpatient case without a procedure, of ``los`` days, costing about ``cost``: a
        bed-day line a day, the rest in a drug; discharged in the year."""
        rng = self.rng
        claim_id = self._new_id("I")
        admit = min(self._day(1, 11), date(YEAR, 12, 31) - timedelta(days=los))
        discharge = admit + timedelta(days=los)
        lines: list[list] = []
        for d in range(los):
            when = datetime.combine(admit + timedelta(days=d), datetime.min.time()).replace(hour=9)
            lines.append(self._line(claim_id, d + 1, BED, "床位费(三人间)", when, 1, 50.0))
        code, name = self.plain[rng.randrange(len(self.plain))]
        spent = sum(float(line[8]) for line in lines)
        self._daily_drug(lines, claim_id, code, name, admit, los, int((cost - spent) / 95))
        self._claim(
            claim_id,
            self._new_id("P"),
            gender or rng.choice((1, 2)),
            self._birth(1950, 1995),
            "inpatient",
            inst,
            admit,
            discharge,
            dx,
            None,
            lines,
            insurance=insurance,
        )
        return claim_id

    def _dip_mix(self) -> None:
        """A few cases of every kind the year's DIP settlement knows, so the demo shows them:
        low and special (for review) cases, 基层病种 at four levels, fee-for-service, bed-day,
        maternity by disease, work injury (another fund), and chronic outpatients (capitation)."""
        for inst, cost in (("H004", 2000), ("H007", 1800), ("H002", 2100)):
            self._case(inst, "J18.900", 5, cost, "resident")  # low: r ≈ 0.3
        for inst, dx, cost in (
            ("H001", "J18.900", 43000),  # r = 43,000 / 6,600 ≈ 6.5 > 5
            ("H002", "E11.900", 36000),
            ("H004", "J18.900", 41000),
            ("H005", "E11.900", 33000),
            ("H003", "J18.900", 45000),
        ):
            claim_id = self._case(inst, dx, 12, cost, "employee")
            self.plant("ZF04", claim_id, None, inst)  # 特例单议候选
        for inst in ("H001", "H004", "H007", "H008"):  # 基层病种: the same points at every level
            self._case(inst, "J20.900", 6, 6000, "resident")
        for inst in ("H007", "H008", "H004"):
            self._case(inst, "R10.400", 4, 900, "resident")  # no group: fee-for-service
        for inst, los in (("H004", 75), ("H002", 90)):
            self._case(inst, "F20.000", los, 21000, "employee")  # long psychiatric stay
        for dx, cost in (("O80.000", 4200), ("O80.000", 3900), ("O82.000", 7600)):
            self._case("H006", dx, 4, cost, "maternity", gender=2)  # by disease
        for inst in ("H002", "H004"):
            self._case(inst, "S82.000", 8, 9000, "work_injury")  # the work-injury fund
        patients = [(self._new_id("P"), self._birth(1940, 1970), 1 + n % 2) for n in range(6)]
        for n in range(12):  # six patients, each twice, at H004 (two) and H007 (four)
            patient, birth, gender = patients[n % 6]
            claim_id, patient, g, b, vt, inst, day, lines = self.outpatient(
                inst="H007" if n % 3 else "H004",
                day=date(YEAR, 1 + n, 10),
                patient=patient,
                birth=birth,
                gender=gender,
                visit_type="chronic_outpatient",
            )
            self._claim(
                claim_id,
                patient,
                g,
                b,
                vt,
                inst,
                day,
                None,
                ("I10.x00", "E11.900")[n % 2],
                None,
                lines,
            )

    # --- rules_spec revision 2: one planted case of each changed and new rule ------------------
    def _visit(self, inst: str, day: date, patient: str, visit_type="outpatient", dx="J06.900"):
        """A claim of a visit fee only (a pharmacy purchase: no line) and ``add``, which adds
        a line and returns its number; ``done`` stores the claim."""
        claim_id = self._new_id("O")
        lines: list[list] = []

        def add(code, qty, price, minutes=0, days=None, refund_of=None, self_pay=None):
            line = self._line(
                claim_id, len(lines) + 1, code, self.names.get(code, ""),
                _at(day) + timedelta(minutes=minutes), qty, price, days=days,
            )  # fmt: skip
            line[12] = refund_of or ""
            line[13] = "" if self_pay is None else _num(self_pay)
            lines.append(line)
            return len(lines)

        if visit_type != "pharmacy":
            add(VISIT, 1, 10.0)

        def done():
            self._claim(claim_id, patient, 1, "1975-05-05", visit_type, inst, day, None, dx,
                        None, lines)  # fmt: skip

        return claim_id, add, done

    def _r2_cases(self) -> None:
        day = date(YEAR, 9, 1)
        # a refund of one unit leaves the second line over the daily limit of 3
        claim_id, add, done = self._visit("H002", day, self._new_id("P"))
        add(LAB, 3, 20.0)
        over = add(LAB, 2, 20.0, minutes=1)
        add(LAB, -1, 20.0, minutes=30, refund_of=over)
        done()
        self.plant("GZ10000102014000", claim_id, over, "H002")
        # the sixth day of use of a five-day drug in the year, over six visits
        patient = self._new_id("P")
        for n in range(6):
            claim_id, add, done = self._visit("H007", day + timedelta(days=n), patient)
            line = add(OSELTAMIVIR, 1, 5.0)
            done()
        self.plant("GZ10000101010000", claim_id, line, "H007")
        # a readmission for the same disease at another hospital (split stay, r2)
        first, inst, _, patient, discharge = self.add_stay(inst="H001", admit=date(YEAR, 8, 1))
        claim_id, inst, admit, disc, dx, px, lines, _ = self.stay(
            inst="H002",
            admit=discharge + timedelta(days=5),
            patient=patient,
            dx=self.last_dx,
        )
        self._claim(claim_id, patient, 1, "1960-03-03", "inpatient", inst, admit, disc, dx, px,
                    lines)  # fmt: skip
        self.plant("GZ10000204001000", claim_id, None, inst)
        # a private clinic's non-selected product (r2: procurement binds it too)
        claim_id, add, done = self._visit("H005", day, self._new_id("P"))
        line = add(AMLODIPINE_OTHER, 28, 0.28)
        done()
        self.plant("JC01", claim_id, line, "H005")
        # above the payment standard: over 28 × 0.2 = 5.60, the patient paid 2.00 of it
        claim_id, add, done = self._visit("H004", day, self._new_id("P"))
        line = add(AMLODIPINE_OTHER, 28, 0.5, self_pay=2.0)
        done()
        self.plant("JC01", claim_id, line, "H004")
        self.plant("JC03", claim_id, line, "H004")
        # an external cause as the main diagnosis
        claim_id, add, done = self._visit("H004", day, self._new_id("P"), dx="W19.x00")
        done()
        self.plant("GZ10000201003000", claim_id, None, "H004")
        # six kinds of drug bought at once (different ATC classes)
        claim_id, add, done = self._visit("P001", day, self._new_id("P"), "pharmacy")
        for n, g in enumerate((0, 2, 4, 6, 9, 13)):
            code, _name = self.plain[g * len(STRENGTHS)]
            line = add(code, 1, 8.0, minutes=n)
        done()
        self.plant("GZ10000202004000", claim_id, line, "P001")
        # ibuprofen 10 over 3 days: 3.33 a day against a label of 2
        claim_id, add, done = self._visit("H007", day, self._new_id("P"))
        line = add(IBUPROFEN, 10, 1.2, days=3)
        done()
        self.plant("GZ10000301005000", claim_id, line, "H007")
        # 甘草 and 甘遂 the same day (十八反): the later line
        claim_id, add, done = self._visit("H003", day, self._new_id("P"))
        add(GANCAO, 6, 0.5)
        line = add(GANSUI, 3, 2.0, minutes=5)
        done()
        self.plant("GZ10000301012000", claim_id, line, "H003")
        # a six-day stay with treatment on the first day only: bed and nursing after it
        claim_id = self._new_id("I")
        admit = date(YEAR, 9, 10)
        lines = []
        for d in range(6):
            when = datetime.combine(admit + timedelta(days=d), datetime.min.time()).replace(hour=9)
            for code, name, price in ((BED, "床位费(三人间)", 50.0), (NURSE, "一般专项护理", 30.0)):
                lines.append(self._line(claim_id, len(lines) + 1, code, name, when, 1, price))
        code, name = self.plain[3 * len(STRENGTHS)]
        lines.append(self._line(claim_id, len(lines) + 1, code, name, _at(admit), 60, 95.0))
        self._claim(claim_id, self._new_id("P"), 1, "1958-08-08", "inpatient", "H004", admit,
                    admit + timedelta(days=6), "J18.900", None, lines)  # fmt: skip
        self.plant("XW01", claim_id, None, "H004")
        # a visit elsewhere while staying in hospital
        _first, _inst, _, patient, discharge = self.add_stay(inst="H003", admit=date(YEAR, 10, 1))
        claim_id, add, done = self._visit("H007", date(YEAR, 10, 3), patient)
        done()
        self.plant("XW02", claim_id, None, "H007")

    def _prior_year(self) -> None:
        """Outpatient and pharmacy claims of the year before, like the year's (fewer)."""
        repeated, self.region.repeated = self.region.repeated or [], None
        for _, admitted, inst, visit_type in repeated:
            day = date.fromisoformat(admitted).replace(year=YEAR - 1)
            cid, patient, gender, birth, vt, inst, day, lines = self.outpatient(
                inst=inst, day=day, visit_type=visit_type
            )
            self._claim(cid, patient, gender, birth, vt, inst, day, None, "J06.900", None, lines)

    def _history(self) -> None:
        """Three earlier years of inpatient cases (for building a DIP catalogue)."""
        rng = self.rng
        n = max(60, self.region.claims // 40)
        for year in (YEAR - 3, YEAR - 2, YEAR - 1):
            for _ in range(n):
                dx, px, avg_cost, avg_los = rng.choice(STAYS)
                admit = date(year, rng.randint(1, 12), rng.randint(1, 20))
                claim_id = self._new_id("H")
                inst = rng.choice(HOSPITALS)
                doctor = doctor_of(inst, claim_id)
                los = rng.randint(4, avg_los) * outlier_factor(doctor, "los")
                discharge = admit + timedelta(days=round(los))
                if round(los) > 2 * avg_los:  # ZF01 超长住院 (long_stay_factor 2)
                    self.plant("ZF01", claim_id, None, inst)
                when = datetime.combine(admit, datetime.min.time()).replace(hour=9)
                lines = []
                if px:
                    lines.append(
                        self._line(
                            claim_id, 1, "003101000100010", "腹腔镜下胆囊切除术", when, 1, 3000.0
                        )
                    )
                cost = avg_cost * rng.uniform(0.7, 1.3) * (1 + (year - YEAR) * 0.03)
                cost *= outlier_factor(doctor, "cost")
                days = (discharge - admit).days
                lines.append(
                    self._line(claim_id, len(lines) + 1, BED, "床位费(三人间)", when, days, 50.0)
                )
                # the rest in drugs, as in the year's stays (a like-for-like drug share)
                code, name = self.plain[(int(claim_id[1:]) * 7) % len(self.plain)]
                spent = sum(float(line[8]) for line in lines)
                drugs = int((cost - spent) / 95.0)
                self._daily_drug(lines, claim_id, code, name, admit, days, drugs)
                self._claim(
                    claim_id,
                    self._new_id("P"),
                    2,
                    self._birth(),
                    "inpatient",
                    inst,
                    admit,
                    discharge,
                    dx,
                    px,
                    lines,
                )


def doctor_of(inst: str, claim_id: str) -> str:
    """The claim's doctor: one of the institution's ``DOCTORS_PER_INSTITUTION``."""
    return f"DR{inst[1:]}{zlib.crc32(claim_id.encode()) % DOCTORS_PER_INSTITUTION + 1}"


def profile(inst: str) -> tuple[float, float, float]:
    """The institution's (cost factor, LOS factor, data-error share); see PROFILES."""
    return PROFILES.get(inst, (1.0, 1.0, 0.0))


DOCTOR_NAMES = "王伟 李娜 张敏 刘洋 陈静 杨磊 赵强 黄丽 周军 吴芳 徐涛 孙燕 胡斌 朱琳 高峰 林红 何勇 郭丹 马超 罗佳"


def _doctor_rows() -> list[list[str]]:
    """The doctors' registry of the demo region (accountability.md): the hospitals' doctors
    (``doctor_of``; a pharmacy's claims reuse the numbers of the hospital of the same digits)."""
    names = iter(DOCTOR_NAMES.split())
    titles = ("主任医师", "主治医师")
    return [
        [f"DR{code[1:]}{n}", next(names), code, "IM", titles[n % 2], "2020-01-01"]
        for code in HOSPITALS
        for n in range(1, DOCTORS_PER_INSTITUTION + 1)
    ]


def outlier_factor(doctor: str, kind: str) -> float:
    """The doctor's factor on the cost or the length of a stay (1.0 for everyone else)."""
    what, factor = OUTLIER_DOCTORS.get(doctor, (None, 1.0))
    return factor if what == kind else 1.0


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 30)


def _num(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def write_package(
    out: Path,
    seed: int,
    lines_target: int,
    inpatient_share: float = 0.35,
    prior_year: bool = False,
) -> Region:
    """Write the region as a contract data package; return it (with its ground truth).
    ``prior_year``: add the year before's outpatient claims (the demo's monitor base).
    Claims and lines are written as they are generated: memory does not grow with them."""
    out.mkdir(parents=True, exist_ok=True)
    with (
        open(out / f"{contract.CLAIMS.name}.csv", "w", encoding="utf-8", newline="") as claims,
        open(out / f"{contract.LINES.name}.csv", "w", encoding="utf-8", newline="") as lines,
    ):
        claim_rows, line_rows = csv.writer(claims), csv.writer(lines)
        claim_rows.writerow(contract.CLAIMS.column_names)
        line_rows.writerow(contract.LINES.column_names)

        def write(claim: list, its_lines: list[list]) -> None:
            claim_rows.writerow(claim)
            line_rows.writerows(its_lines)

        gen = Generator(seed, lines_target, inpatient_share, prior_year, write)
        region = gen.build()
    _write_reference(out / "reference", gen, region)
    return region


def _write_reference(ref: Path, gen: Generator, region: Region) -> None:
    ref.mkdir(parents=True, exist_ok=True)
    for name in ("code_limits", "dip_groups", "item_pairs", "procurement"):
        shutil.copy(BASE / f"{name}.csv", ref / f"{name}.csv")
    with open(ref / "catalogue.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(gen.header)
        writer.writerows(gen.catalogue)
    with open(ref / "institutions.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(contract.INSTITUTIONS.column_names)
        for row in INSTITUTIONS:
            writer.writerow([*row[:5], "440500", row[5]])
    with open(ref / "doctors.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(contract.DOCTORS.column_names)
        writer.writerows(_doctor_rows())
    with open(ref / "procurement_volumes.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(contract.PROCUREMENT_VOLUMES.column_names)
        writer.writerow(["H001", "氨氯地平", f"{YEAR}-01-01", f"{YEAR}-12-31", 10])
    paid = region.paid
    params = {
        "region_code": "440500",
        "year": YEAR,
        "multiplier": 1000,
        "level_coefficients": {"1": 0.85, "2": 0.95, "3": 1.0},
        # the employee and resident funds settle apart (maternity is in the employee fund)
        "fund_budget": {fund: round(amount * 0.97, 2) for fund, amount in paid.items()},
        "surplus_retention_share": 0.6,
        "overspend_share": 0.5,
        "appraisal_coefficients": {"H005": 0.98},
        # the city reviews up to 2% of its DIP cases as special (national cap 5‰)
        "special_case_cap": 0.02,
        "bed_day_rates": {"1": 220, "2": 260, "3": 300},
        "by_disease_rates": {"O80": 3200, "O82": 5200},
        "capitation_rates": {"chronic_outpatient": 600},
    }
    (ref / "dip_params.json").write_text(
        json.dumps(params, ensure_ascii=False, indent=2), encoding="utf-8"
    )

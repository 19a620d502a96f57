"""Import adapter for the city's own export: a folder with ``jsxx.csv`` (结算信息) and
``fymx.csv`` (费用明细) in GBK, with the city's column names, codes and slash dates.

It rewrites them as a contract data package (UTF-8, contract headers) that ``yibao import``
then validates as usual; a ``reference/`` folder beside them is copied unchanged.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from engine.errors import ImportRejected

CLAIMS_FILE, LINES_FILE = "jsxx.csv", "fymx.csv"

GENDER = {"男": "1", "女": "2", "未知": "9"}
INSURANCE = {
    "职工医保": "employee",
    "居民医保": "resident",
    "生育保险": "maternity",
    "工伤保险": "work_injury",
}
VISIT = {
    "住院": "inpatient",
    "普通门诊": "outpatient",
    "门诊慢特病": "chronic_outpatient",
    "药店购药": "pharmacy",
}


def _date(text: str) -> str:
    return datetime.strptime(text, "%Y/%m/%d").date().isoformat() if text else ""


def _datetime(text: str) -> str:
    return datetime.strptime(text, "%Y/%m/%d %H:%M").strftime("%Y-%m-%d %H:%M") if text else ""


def _coded(table: dict[str, str]) -> Callable[[str], str]:
    def convert(text: str) -> str:
        if text and text not in table:
            raise ValueError(f"{text!r} is not one of {', '.join(table)}")
        return table.get(text, "")

    return convert


def _codes(text: str) -> str:
    return ";".join(part for part in text.split("|") if part)


def _same(text: str) -> str:
    return text


# (city column, contract column, converter), in contract order
CLAIM_COLUMNS = [
    ("就诊流水号", "claim_id", _same),
    ("参保人编号", "patient_id", _same),
    ("性别", "gender", _coded(GENDER)),
    ("出生日期", "birth_date", _date),
    ("险种", "insurance_type", _coded(INSURANCE)),
    ("就诊类别", "visit_type", _coded(VISIT)),
    ("医疗机构编码", "institution_code", _same),
    ("科室编码", "dept_code", _same),
    ("医师编码", "doctor_id", _same),
    ("入院日期", "admission_date", _date),
    ("出院日期", "discharge_date", _date),
    ("主诊断", "main_diagnosis", _same),
    ("其他诊断", "secondary_diagnoses", _codes),
    ("主手术", "main_procedure", _same),
    ("其他手术", "other_procedures", _codes),
    ("离院方式", "discharge_status", _same),
    ("总费用", "total_amount", _same),
    ("统筹支付", "fund_paid", _same),
    ("个人负担", "personal_paid", _same),
    ("结算日期", "settle_date", _date),
    ("新生儿体重", "newborn_weight_g", _same),
]
LINE_COLUMNS = [
    ("就诊流水号", "claim_id", _same),
    ("明细号", "line_no", _same),
    ("医保编码", "item_code", _same),
    ("项目名称", "item_name", _same),
    ("收费时间", "charge_time", _datetime),
    ("上传时间", "upload_time", _datetime),
    ("数量", "quantity", _same),
    ("单价", "unit_price", _same),
    ("金额", "amount", _same),
    ("用药天数", "days_supply", _same),
    ("开单科室", "dept_code", _same),
    ("开单医师", "doctor_id", _same),
    ("冲销明细号", "refund_of", _same),
]


def detect(path: Path) -> bool:
    path = Path(path)
    return path.is_dir() and (path / CLAIMS_FILE).is_file() and (path / LINES_FILE).is_file()


def _convert_file(source: Path, target: Path, columns: list, errors: list[str]) -> None:
    try:
        _rewrite(source, target, columns, errors)
    except UnicodeDecodeError as exc:
        errors.append(f"{source.name}:0:-: not GBK text ({exc.reason} at byte {exc.start})")


def _rewrite(source: Path, target: Path, columns: list, errors: list[str]) -> None:
    with open(source, encoding="gbk", newline="") as src:
        reader = csv.DictReader(src)
        missing = [city for city, _, _ in columns if city not in (reader.fieldnames or [])]
        for city in missing:
            errors.append(f"{source.name}:1:{city}: required column is missing")
        if missing:
            return
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([name for _, name, _ in columns])
            for row in reader:
                cells = []
                for city, _, convert in columns:
                    text = (row[city] or "").strip()
                    try:
                        cells.append(convert(text))
                    except ValueError as exc:
                        errors.append(f"{source.name}:{reader.line_num}:{city}: {exc}")
                        cells.append("")
                writer.writerow(cells)


def convert(path: Path, out_dir: Path) -> None:
    """Write the contract package for the city export at ``path`` into ``out_dir``."""
    path, out_dir = Path(path), Path(out_dir)
    errors: list[str] = []
    _convert_file(path / CLAIMS_FILE, out_dir / "claims.csv", CLAIM_COLUMNS, errors)
    _convert_file(path / LINES_FILE, out_dir / "lines.csv", LINE_COLUMNS, errors)
    if errors:
        raise ImportRejected(errors[:100], len(errors))
    if (path / "reference").is_dir():
        shutil.copytree(path / "reference", out_dir / "reference")

"""Import revision 2 (spec/interchange.md, r2): codes stay text, whole-file problems are one
error, Chinese words for coded values, messages in Chinese and English.

Each package is imported by the column path and by the row path; both must end alike."""

import csv
import io
from datetime import datetime

import openpyxl
import pytest

from engine.errors import ImportRejected
from engine.ingest import bulk, import_package, parsing, staged
from engine.workspace import Workspace

HINT_EN = "format the column as text in Excel and enter the codes again"
HINT_ZH = "请在 Excel 中把该列设为文本格式，再重新录入编码"


def _outcome(tmp_path, package, name):
    """("stored", rows of claims and lines) or ("rejected", the problems)."""
    with Workspace.open(tmp_path / f"{name}.yibao") as ws:
        try:
            import_package(ws, package)
        except ImportRejected as exc:
            assert ws.count("claims") == ws.count("lines") == ws.count("catalogue") == 0
            return "rejected", exc
        rows = {
            t: sorted(ws.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in ("claims", "lines", "institutions", "catalogue", "procurement")
        }
        return "stored", rows


@pytest.fixture
def both_paths(monkeypatch, row_path):
    """Import a package by the column path, with and without worker processes, then by the
    row path; all must end alike. Returns the row path's outcome."""

    monkeypatch.setattr(parsing, "BATCH", 2)  # a defect in a later batch than the first writes
    monkeypatch.setattr(staged, "SEGMENT_BYTES", 1600)
    monkeypatch.setattr(staged, "CLAIM_SPAN_BYTES", 250)
    monkeypatch.setattr(staged, "SEGMENTS_AHEAD", 1)
    monkeypatch.setattr(staged, "SPANS_AHEAD", 1)

    def run(tmp_path, package):
        outcomes = []
        for workers in ("0", "1"):
            monkeypatch.setenv(bulk.WORKER_VAR, workers)
            outcomes.append(_outcome(tmp_path, package, f"columns{workers}"))
        row_path()
        slow = _outcome(tmp_path, package, "rows")
        for fast in outcomes:
            assert fast[0] == slow[0]
            if fast[0] == "rejected":
                assert fast[1].problems == slow[1].problems
            else:
                assert fast[1] == slow[1]
        return slow

    return run


def _number(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def _to_xlsx(package, name, numeric_columns=()):
    """Replace ``name``.csv by an .xlsx whose cells are text, except ``numeric_columns``,
    written as numbers, as Excel stores codes typed into a General column."""
    src = package / f"{name}.csv"
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(rows[0])
    numeric = [rows[0].index(c) for c in numeric_columns]
    for row in rows[1:]:
        sheet.append([_number(v) if i in numeric else v for i, v in enumerate(row)])
    book.save(package / f"{name}.xlsx")
    src.unlink()


def test_an_xlsx_with_text_codes_keeps_every_character(tmp_path, package, both_paths):
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(
            "S-ZERO,007,2,1960-01-01,resident,inpatient,H001,IM,D,2025-04-01,2025-04-05,"
            "J18.900,,51.2300,,1,100,80,20,2025-04-05,\n"
        )
    _to_xlsx(package, "claims")
    _to_xlsx(package, "lines")
    outcome, rows = both_paths(tmp_path, package)
    assert outcome == "stored"
    claim = next(r for r in rows["claims"] if "S-ZERO" in r)
    assert "007" in claim and "51.2300" in claim
    assert any("003101000300030" in r for r in rows["lines"])


def test_numeric_codes_in_an_xlsx_are_refused_with_the_hint(tmp_path, package, both_paths):
    lines = list(csv.DictReader(io.StringIO((package / "lines.csv").read_text(encoding="utf-8"))))
    digits = [n for n, line in enumerate(lines, start=2) if line["item_code"].isdecimal()]
    _to_xlsx(package, "lines", numeric_columns=["item_code"])
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    first = rejected.problems[0]
    assert (first.file, first.row, first.column, first.code) == (
        "lines.xlsx",
        2,
        "item_code",
        "code_number",
    )
    # 003101000300030 typed into a General column: Excel keeps 3101000300030
    assert first.render("en") == (
        "lines.xlsx:2:item_code: a code cell holds a number or a date ('3101000300030'), so "
        f"the code may have changed (leading zeros lost): {HINT_EN}"
    )
    assert HINT_ZH in first.render("zh")
    assert HINT_EN in str(rejected) and HINT_ZH in str(rejected)
    # every service code (all digits) became a number; drug and consumable codes stay text
    assert [p.row for p in rejected.problems] == digits[: len(rejected.problems)]
    assert rejected.total == len(digits) > 1


def test_a_numeric_claim_id_in_an_xlsx_is_refused(tmp_path, package, both_paths):
    _to_xlsx(package, "claims")
    book = openpyxl.load_workbook(package / "claims.xlsx")
    book.active["B2"] = 136  # patient_id P00136 retyped as a number
    book.save(package / "claims.xlsx")
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    assert [p.render("en")[:30] for p in rejected.problems] == ["claims.xlsx:2:patient_id: a co"]


def test_a_date_in_a_code_column_of_an_xlsx_is_refused(tmp_path, package, both_paths):
    """Excel reads a code such as 3-1 as a date."""
    _to_xlsx(package, "lines")
    book = openpyxl.load_workbook(package / "lines.xlsx")
    book.active["C3"] = datetime(2025, 3, 1)
    book.active["E3"] = datetime(2025, 1, 6, 9, 2)  # a date in a date-time column is right
    book.save(package / "lines.xlsx")
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    assert [(p.row, p.column, p.params["text"]) for p in rejected.problems] == [
        (3, "item_code", "'2025-03-01'")
    ]


def test_a_code_in_scientific_notation_is_refused(tmp_path, package, both_paths):
    """What Excel writes to a CSV for a long code it read as a number."""
    text = (package / "lines.csv").read_text(encoding="utf-8")
    text = text.replace("S-OK,1,003101000300030,", "S-OK,1,3.101E+12,", 1)
    (package / "lines.csv").write_text(text, encoding="utf-8")
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    assert rejected.errors == [
        "lines.csv:2:item_code: a code in scientific notation ('3.101E+12') was changed by a "
        f"spreadsheet that read it as a number: {HINT_EN}"
    ]


@pytest.mark.parametrize(
    "text, message_en, message_zh",
    [
        ("", "claims.csv is empty", "claims.csv 是空文件（没有表头）"),
        ("\ufeff\n\n", "claims.csv is empty", "claims.csv 是空文件（没有表头）"),
        (
            "claim_id\tpatient_id\tgender\nS-OK\tP1\t1\n",
            "claims.csv: 1 column read; is it separated by tabs?",
            "claims.csv：只读出 1 列；文件是否用制表符分隔？",
        ),
        (
            "claim_id;patient_id;gender\nS-OK;P1;1\n",
            "claims.csv: 1 column read; is it separated by semicolons?",
            "claims.csv：只读出 1 列；文件是否用分号分隔？",
        ),
    ],
)
def test_an_unreadable_claims_file_is_one_error(
    tmp_path, package, both_paths, text, message_en, message_zh
):
    """…and the lines of its claims are not reported as lines of unknown claims."""
    (package / "claims.csv").write_text(text, encoding="utf-8")
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    assert rejected.errors == [message_en]
    assert rejected.lines("zh") == [message_zh]


def test_an_empty_lines_xlsx_is_one_error(tmp_path, package, both_paths):
    (package / "lines.csv").unlink()
    openpyxl.Workbook().save(package / "lines.xlsx")
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected" and rejected.errors == ["lines.xlsx is empty"]


def test_a_header_without_required_columns_is_not_reported_row_by_row(
    tmp_path, package, both_paths
):
    text = (package / "lines.csv").read_text(encoding="utf-8")
    (package / "lines.csv").write_text(text.replace("item_code", "code", 1), encoding="utf-8")
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    assert rejected.errors == ["lines.csv:1:item_code: required column is missing"]
    assert rejected.lines("zh") == ["lines.csv:1:item_code: 缺少必填列"]


def test_the_lines_of_a_claim_that_failed_are_not_reported_again(tmp_path, package, both_paths):
    text = (package / "claims.csv").read_text(encoding="utf-8")
    (package / "claims.csv").write_text(text.replace("S-OK,P00136,1,", "S-OK,P00136,7,", 1))
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    assert rejected.errors == ["claims.csv:2:gender: '7' is not one of 1, 2, 9"]
    assert rejected.lines("zh") == [
        "claims.csv:2:gender: '7' 不是以下值之一：1（男）、2（女）、9（未知）"
    ]


def _replace_cells(path, changes: dict[str, dict[str, str]]) -> None:
    """Replace cells by column: ``{column: {old: new}}``."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        for column, words in changes.items():
            row[column] = words.get(row[column], row[column])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_chinese_words_for_coded_values_are_stored_as_codes(tmp_path, package, both_paths):
    original = _outcome(tmp_path, package, "codes")
    _replace_cells(
        package / "claims.csv",
        {
            "insurance_type": {"employee": "职工基本医疗保险", "resident": "居民医保"},
            "visit_type": {"inpatient": "住院", "outpatient": "普通门诊", "pharmacy": "定点药店"},
            "gender": {"1": "男", "2": "女"},
        },
    )
    reference = package / "reference"
    _replace_cells(
        reference / "catalogue.csv",
        {"item_type": {"drug": "西药", "service": "诊疗项目", "consumable": "医用耗材"}},
    )
    _replace_cells(reference / "institutions.csv", {"public": {"1": "是", "0": "否"}})
    _replace_cells(reference / "catalogue.csv", {"restrict_visit_type": {"inpatient": "住院"}})
    _replace_cells(reference / "procurement.csv", {"selected": {"1": "是", "0": "否"}})
    assert "职工基本医疗保险" in (package / "claims.csv").read_text(encoding="utf-8")
    assert "否" in (reference / "procurement.csv").read_text(encoding="utf-8")
    assert "住院" in (reference / "catalogue.csv").read_text(encoding="utf-8")
    worded = both_paths(tmp_path, package)
    assert worded == original


def test_a_list_of_coded_values_takes_words_too():
    from engine import contract
    from engine.ingest.convert import converter_for

    column = next(c for c in contract.ITEM_CATALOGUE.columns if c.name == "restrict_visit_type")
    convert = converter_for(column)
    assert convert("住院；门慢; pharmacy") == "inpatient;chronic_outpatient;pharmacy"
    level = next(c for c in contract.ITEM_CATALOGUE.columns if c.name == "restrict_min_level")
    assert converter_for(level)("二级") == 2 and converter_for(level)("3") == 3


def test_a_word_that_is_no_code_is_named_in_both_languages(tmp_path, package, both_paths):
    _replace_cells(package / "claims.csv", {"insurance_type": {"employee": "商业保险"}})
    outcome, rejected = both_paths(tmp_path, package)
    assert outcome == "rejected"
    first = rejected.problems[0]
    assert first.render("en") == (
        "claims.csv:2:insurance_type: '商业保险' is not one of "
        "employee, resident, maternity, work_injury"
    )
    assert first.render("zh") == (
        "claims.csv:2:insurance_type: '商业保险' 不是以下值之一：employee（职工医保）、"
        "resident（城乡居民医保）、maternity（生育保险）、work_injury（工伤保险）"
    )
    assert str(first) == f"{first.render('zh')} | {first.reason('en')}"


def test_every_message_says_the_same_values_in_both_languages():
    from string import Formatter

    from engine.ingest.problems import MESSAGES

    def fields(template):
        return {name for _, name, _, _ in Formatter().parse(template) if name}

    for code, (zh, en) in MESSAGES.items():
        # the Chinese says some values in its own words: separator_zh for separator, …
        zh_fields = {name.removesuffix("_zh") for name in fields(zh)}
        assert zh_fields == fields(en), code
        if "{file}" in en:  # a whole-file problem says its file first, in both languages
            assert zh.startswith("{file}") and en.startswith("{file}"), code

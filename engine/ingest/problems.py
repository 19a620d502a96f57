"""What is wrong with a data package, kept as data: where (file, row, column), what (a code and
its values), said in Chinese or English when shown.

The import records a ``Problem``; the CLI prints both languages, the desktop the one it shows.
A converter says why a cell cannot be stored by raising ``CellError``, which the import turns
into a ``Problem`` at that cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Message templates by code: (Chinese, English). Whole-file problems (row 0) start with
#: ``{file}``; the others are said of the cell at file:row:column.
MESSAGES: dict[str, tuple[str, str]] = {
    "file_missing": ("{file}：缺少必需的文件", "{file}: required file is missing"),
    "file_unreadable": ("{file}：无法读取文件：{detail}", "{file}: cannot read the file: {detail}"),
    "not_text": (
        "{file}：不是 UTF-8、GBK 或 GB18030 编码的文本（第 {byte} 字节）；请另存为 UTF-8 的 CSV",
        "{file}: not text in UTF-8, GBK or GB18030 (byte {byte}); save it as a UTF-8 CSV",
    ),
    "file_empty": ("{file} 是空文件（没有表头）", "{file} is empty"),
    "one_column": (
        "{file}：只读出 1 列；文件是否用{separator_zh}分隔？",
        "{file}: 1 column read; is it separated by {separator}?",
    ),
    "dip_params": ("{file}：{detail}", "{file}: {detail}"),
    "column_twice": ("列 {name} 出现了两次", "column {name} appears twice"),
    "column_missing": ("缺少必填列", "required column is missing"),
    "bad_cell": ("无法保存：{detail}", "cannot be stored: {detail}"),
    "value_empty": ("必填值为空", "required value is empty"),
    "not_int": ("不是整数：{text}", "not a whole number: {text}"),
    "out_of_range": (
        "超出范围（绝对值须小于 {limit}）：{text}",
        "out of range (must be under {limit} in magnitude): {text}",
    ),
    "not_decimal": ("不是数字：{text}", "not a decimal number: {text}"),
    "decimals": ("小数超过 4 位：{text}", "more than 4 decimals: {text}"),
    "not_date": ("不是 YYYY-MM-DD 格式的日期：{text}", "not a date YYYY-MM-DD: {text}"),
    "bad_date": ("不是有效的日期：{text}", "not a valid date: {text}"),
    "not_datetime": (
        "不是 YYYY-MM-DD HH:MM[:SS] 格式的时间：{text}",
        "not a date-time YYYY-MM-DD HH:MM[:SS]: {text}",
    ),
    "bad_datetime": ("不是有效的时间：{text}", "not a valid date-time: {text}"),
    "not_choice": ("{text} 不是以下值之一：{choices_zh}", "{text} is not one of {choices}"),
    "code_number": (
        "编码单元格是数字或日期（{text}），编码可能已被改变（如前导零丢失）：请在 Excel 中把该列设为文本格式，再重新录入编码",
        "a code cell holds a number or a date ({text}), so the code may have changed "
        "(leading zeros lost): format the column as text in Excel and enter the codes again",
    ),
    "code_scientific": (
        "编码是科学计数法（{text}），已被电子表格当作数字改变：请在 Excel 中把该列设为文本格式，再重新录入编码",
        "a code in scientific notation ({text}) was changed by a spreadsheet that read it as a "
        "number: format the column as text in Excel and enter the codes again",
    ),
    "duplicate_key": (
        "重复的键 {key}（首次出现在第 {first} 行）",
        "duplicate key {key} (first at row {first})",
    ),
    "duplicate_claim": (
        "重复的结算ID {claim}（首次出现在第 {first} 行）",
        "duplicate claim id {claim} (first at row {first})",
    ),
    "unknown_institution": (
        "未知的定点机构 {institution}（机构表中没有）",
        "unknown institution {institution} (not in institutions)",
    ),
    "claim_exists": (
        "结算 {claim} 已在工作区中（使用 --replace 替换）",
        "claim {claim} is already in the workspace (use --replace to replace it)",
    ),
    "unknown_claim": (
        "未知的结算 {claim}（结算表中没有）",
        "unknown claim {claim} (not in claims)",
    ),
    "duplicate_line": ("结算 {claim} 的明细 {line} 重复", "duplicate line {line} of claim {claim}"),
    "negative_price": ("单价为负数", "unit price is negative"),
    "negative_quantity": ("数量为负数但没有冲销明细序号", "negative quantity without refund_of"),
    "dangling_refund": (
        "冲销的明细 {line} 不是结算 {claim} 的明细",
        "refunds line {line}, not a line of {claim}",
    ),
}

_SEPARATORS = {"\t": ("制表符", "tabs"), ";": ("分号", "semicolons")}


def separator_params(separator: str) -> dict[str, str]:
    """The ``one_column`` problem's values for a separator the file seems to use."""
    zh, en = _SEPARATORS[separator]
    return {"separator_zh": zh, "separator": en}


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a package from being stored; row 0 is the whole file."""

    file: str
    row: int | str
    column: str
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def reason(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        try:
            return (en if lang == "en" else zh).format(file=self.file, **self.params)
        except (KeyError, IndexError):  # a template and its values out of step: still said
            return f"{self.file}: {self.code} {dict(self.params)}"

    def render(self, lang: str = "zh") -> str:
        """``file:row:column: reason``, or the reason alone for a whole-file problem."""
        if self.row == 0:
            return self.reason(lang)
        return f"{self.file}:{self.row}:{self.column}: {self.reason(lang)}"

    def __str__(self) -> str:
        """Both languages, Chinese first: what the command line prints."""
        return f"{self.render('zh')} | {self.reason('en')}"

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "params": dict(self.params),
            "message_zh": self.render("zh"),
            "message_en": self.render("en"),
        }


class CellError(ValueError):
    """A cell that cannot be stored: a ``MESSAGES`` code and its values. ``str()`` is the
    English reason, as a plain ``ValueError``'s would be."""

    def __init__(self, code: str, **params: object):
        self.code, self.params = code, params
        super().__init__(MESSAGES[code][1].format(file="", **params))


#: Characters of a cell a message quotes; a longer cell is cut with "…".
SHOWN_CHARS = 60


def cut(text: str) -> str:
    """``text`` cut to ``SHOWN_CHARS`` with "…"."""
    text = str(text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def shown(text: str) -> str:
    """A cell's text as messages quote it: ``repr`` of it, cut."""
    return repr(cut(text))

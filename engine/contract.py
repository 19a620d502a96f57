"""The interchange contract (spec/interchange.md) as data: tables, columns, labels, types.

Everything that reads or writes a data package (import, export, the demo generator, the
desktop's header-mapping view) takes its column list from here, so there is one copy.

The package is data, never formulas: ``yibao export`` puts a ``'`` before a text cell that
starts with ``= + - @``, tab or CR (a plain number such as ``-12.50`` excepted) so that
opening it in a spreadsheet runs nothing; ``--raw`` writes the cells exactly as stored, for a
lossless round trip. The limits on what a package may hold are listed in the README (Limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STR, INT, DEC, DATE, DATETIME, LIST = "str", "int", "dec", "date", "datetime", "list"


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # Chinese header(s); several are separated by "/"
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(part for part in self.label.split("/") if part) + (self.label,)

    @property
    def is_code(self) -> bool:
        """A column of codes, which must stay text: a spreadsheet number in it has lost its
        leading zeros (r2)."""
        return self.type in (STR, LIST) and (
            self.name.endswith(("_code", "_id")) or self.name in CODE_COLUMNS
        )


#: Code columns whose names do not end in ``_code`` or ``_id``.
CODE_COLUMNS = frozenset(
    {
        "main_diagnosis",
        "secondary_diagnoses",
        "restrict_diagnoses",
        "diagnosis",
        "main_procedure",
        "other_procedures",
        "related_procedures",
        "restrict_depts",
        "item_a",
        "item_b",
        "code_prefix",
    }
)

#: Extra columns that name or identify a person, dropped by a pseudonymised import (r2).
IDENTIFYING_COLUMNS = frozenset(
    {
        "姓名",
        "患者姓名",
        "参保人姓名",
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "name",
        "patient_name",
        "id_card",
    }
)


@dataclass(frozen=True)
class Table:
    name: str  # the workspace table and the file stem
    folder: str  # "" for the package root, "reference" for reference data
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required_file: bool = False
    extra: bool = field(default=True)  # unknown columns are kept as JSON

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, label: str, type_: str, required: bool = False, choices=()) -> Column:
    return Column(name, label, type_, required, tuple(choices))


INSURANCE_TYPES = ("employee", "resident", "maternity", "work_injury")
INSURANCE_CODES = {"310": "employee", "390": "resident", "510": "maternity"}
VISIT_TYPES = ("inpatient", "outpatient", "chronic_outpatient", "pharmacy")

CLAIMS = Table(
    "claims",
    "",
    (
        _c("claim_id", "结算ID", STR, True),
        _c("patient_id", "人员编号", STR, True),
        _c("gender", "性别", INT, True, ("1", "2", "9")),
        _c("birth_date", "出生日期", DATE, True),
        _c("insurance_type", "险种类型", STR, True, INSURANCE_TYPES),
        _c("visit_type", "就诊类型", STR, True, VISIT_TYPES),
        _c("institution_code", "定点机构编码", STR, True),
        _c("dept_code", "科室编码", STR),
        _c("doctor_id", "医保医师代码", STR),
        _c("admission_date", "入院日期/就诊日期", DATE, True),
        _c("discharge_date", "出院日期", DATE),
        _c("main_diagnosis", "主要诊断编码", STR),
        _c("secondary_diagnoses", "其他诊断编码", LIST),
        _c("main_procedure", "主要手术操作编码", STR),
        _c("other_procedures", "其他手术操作编码", LIST),
        _c("discharge_status", "离院方式", INT, False, ("1", "2", "3", "4", "5", "9")),
        _c("total_amount", "医疗费总额", DEC, True),
        _c("fund_paid", "统筹基金支付", DEC),
        _c("personal_paid", "个人支付", DEC),
        _c("settle_date", "结算日期", DATE),
        _c("newborn_weight_g", "新生儿出生体重", INT),
    ),
    key=("claim_id",),
    required_file=True,
)

LINES = Table(
    "lines",
    "",
    (
        _c("claim_id", "结算ID", STR, True),
        _c("line_no", "明细序号", INT, True),
        _c("item_code", "医保目录编码", STR, True),
        _c("item_name", "项目名称", STR),
        _c("charge_time", "费用发生时间", DATETIME, True),
        _c("upload_time", "上传时间", DATETIME),
        _c("quantity", "数量", DEC, True),
        _c("unit_price", "单价", DEC, True),
        _c("amount", "金额", DEC, True),
        _c("days_supply", "用药天数", INT),
        _c("dept_code", "开单科室", STR),
        _c("doctor_id", "开单医师", STR),
        _c("refund_of", "冲销明细序号", INT),
        _c("self_pay_amount", "自费金额", DEC),
    ),
    key=("claim_id", "line_no"),
    required_file=True,
)

INSTITUTIONS = Table(
    "institutions",
    "reference",
    (
        _c("institution_code", "定点机构编码", STR, True),
        _c("name", "机构名称", STR),
        _c("level", "医院等级", INT, True, ("0", "1", "2", "3")),
        _c("kind", "机构类型", STR, False, ("general", "tcm", "specialist", "primary", "pharmacy")),
        _c("public", "公立", INT, False, ("0", "1")),
        _c("region_code", "统筹区编码", STR),
        _c("dip_coefficient", "DIP机构系数", DEC),
    ),
    key=("institution_code",),
)

CATALOGUE = Table(
    "catalogue",
    "reference",
    (
        _c("item_code", "医保目录编码", STR, True),
        _c("item_name", "名称", STR),
        _c("item_type", "类别", STR, True, ("drug", "herbal", "consumable", "service")),
        _c(
            "service_class",
            "服务类别",
            STR,
            False,
            ("exam", "lab", "ct", "mri", "surgery", "treatment", "bed", "nursing", "other"),
        ),
        _c("generic_name", "通用名", STR),
        _c("atc_code", "ATC", STR),
        _c("payment_class", "甲乙类", STR, False, ("A", "B", "C")),
        _c("self_pay_ratio", "先行自付比例", DEC),
        _c("max_unit_price", "最高限价", DEC),
        _c("restrict_insurance", "限险种", STR, False, ("work_injury", "maternity")),
        _c("restrict_gender", "限性别", INT, False, ("1", "2")),
        _c("restrict_newborn", "限新生儿", INT, False, ("0", "1")),
        _c("restrict_max_age", "限最高年龄", INT),
        _c("restrict_min_level", "限医院等级", INT),
        _c("restrict_visit_type", "限就医方式", LIST),
        _c("restrict_diagnoses", "限适应症", LIST),
        _c("restrict_disease_list", "限病种目录", STR),
        _c("restrict_depts", "限科室", LIST),
        _c("second_line", "限二线", INT, False, ("0", "1")),
        _c("herbal_rule", "饮片支付", STR, False, ("never", "not_alone")),
        _c("max_daily_qty", "日限量", DEC),
        _c("max_days", "最大支付天数", INT),
        _c("max_course_days", "限支付疗程", INT),
        _c("max_total_amount", "限报销总额", DEC),
        _c("surgery_discount", "多台手术折价", DEC),
        _c("gender_only", "性别专用", INT, False, ("1", "2")),
        _c("child_only", "儿童专用", INT, False, ("0", "1")),
        _c("child_forbidden", "儿童禁用", INT, False, ("0", "1")),
        _c("elderly_caution", "老年慎用", INT, False, ("0", "1")),
        _c("remark", "备注", STR),
    ),
    key=("item_code",),
)

PROCUREMENT = Table(
    "procurement",
    "reference",
    (
        _c("generic_name", "通用名", STR, True),
        _c("item_code", "医保目录编码", STR, True),
        _c("selected", "中选", INT, True, ("0", "1")),
        _c("batch", "批次", STR),
        _c("procurement_price", "中选价格", DEC),
        _c("payment_standard", "医保支付标准", DEC),
        _c("valid_from", "执行期开始", DATE),
        _c("valid_to", "执行期结束", DATE),
    ),
    key=("item_code", "valid_from"),
)

PROCUREMENT_VOLUMES = Table(
    "procurement_volumes",
    "reference",
    (
        _c("institution_code", "定点机构编码", STR, True),
        _c("generic_name", "通用名", STR, True),
        _c("period_start", "协议期开始", DATE, True),
        _c("period_end", "协议期结束", DATE, True),
        _c("agreed_quantity", "约定采购量", DEC, True),
    ),
    key=("institution_code", "generic_name", "period_start"),
)

ITEM_PAIRS = Table(
    "item_pairs",
    "reference",
    (
        _c("item_a", "项目A", STR, True),
        _c("item_b", "项目B", STR, True),
        _c("kind", "关系", STR, True, ("includes", "bundle", "interaction", "requires")),
        _c("scope", "范围", STR, True, ("same_day", "same_claim")),
        _c("note", "依据", STR),
    ),
    key=("item_a", "item_b", "kind"),
)

CODE_LIMITS = Table(
    "code_limits",
    "reference",
    (
        _c("code_system", "编码体系", STR, True, ("icd10", "icd9cm3")),
        _c("code_prefix", "编码前缀", STR, True),
        _c("gender", "限性别", INT, False, ("1", "2")),
        _c("min_age_days", "最小年龄天数", INT),
        _c("max_age_days", "最大年龄天数", INT),
        _c("disease_list", "病种目录", STR),
        _c("procedure_kind", "操作类型", STR, False, ("surgical", "therapeutic", "diagnostic")),
        _c("note", "说明", STR),
    ),
)

DIP_GROUPS = Table(
    "dip_groups",
    "reference",
    (
        _c("group_code", "病种编码", STR, True),
        _c("group_type", "病种类型", STR, True, ("core", "comprehensive", "basic")),
        _c("diagnosis", "诊断编码", STR, True),
        _c("main_procedure", "主要手术操作", STR),
        _c("related_procedures", "相关手术操作", STR),
        _c(
            "treatment",
            "治疗方式",
            STR,
            False,
            ("conservative", "diagnostic", "therapeutic", "surgical"),
        ),
        _c("rw", "病种分值", DEC, True),
        _c("avg_cost", "次均费用", DEC, True),
        _c("avg_los", "平均住院日", DEC),
    ),
    key=("group_code",),
)

DOCTORS = Table(
    "doctors",
    "reference",
    (
        _c("doctor_id", "医保医师代码", STR, True),
        _c("name", "姓名", STR),
        _c("institution_code", "定点机构编码", STR),
        _c("dept_code", "科室编码", STR),
        _c("title", "职称", STR),
        _c("registered_on", "备案日期", DATE),
    ),
    key=("doctor_id",),
)

CASE_TABLES = (CLAIMS, LINES)
REFERENCE_TABLES = (
    INSTITUTIONS,
    CATALOGUE,
    PROCUREMENT,
    PROCUREMENT_VOLUMES,
    ITEM_PAIRS,
    CODE_LIMITS,
    DIP_GROUPS,
    DOCTORS,
)
ALL_TABLES = CASE_TABLES + REFERENCE_TABLES
BY_NAME = {t.name: t for t in ALL_TABLES}
DIP_PARAMS_FILE = "dip_params.json"

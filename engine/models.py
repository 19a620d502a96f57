"""The workspace tables, the one definition of every column.

A column that is also a column of the data package (spec/interchange.md) is declared with
``package(label, type)``: its Chinese header, its type in the package, the codes it allows
and whether it holds codes travel on the SQLAlchemy column's ``info``, and
``engine.contract`` derives the package's tables from them. Adding a column to the package
is one edit here (plus the migration, which for a nullable column is the generic one).
Whether a package column is required is its NOT NULL (``str`` against ``str | None``).

Decimal columns of the contract are integers of 1/10000 (see ``engine.money``); dates are
ISO text (``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS``); list columns keep their ``;``-joined text,
and claim diagnosis/procedure lists are also exploded into ``claim_codes`` for SQL joins.
Unknown columns of an imported file are kept as JSON in ``extra``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 3

#: The package's types (spec/interchange.md, Types). ``dec`` is stored as an integer of
#: 1/10000; ``date``, ``datetime`` and ``list`` as text.
STR, INT, DEC, DATE, DATETIME, LIST = "str", "int", "dec", "date", "datetime", "list"
#: The key of a column's ``info`` that holds its package description.
PACKAGE = "package"

INSURANCE_TYPES = ("employee", "resident", "maternity", "work_injury")
VISIT_TYPES = ("inpatient", "outpatient", "chronic_outpatient", "pharmacy")
FLAG = ("0", "1")


def package(
    label: str,
    type_: str | None = None,
    *,
    choices: Iterable[str] = (),
    code: bool = False,
    **field: Any,
) -> Any:
    """A field that is a column of the data package.

    ``label``: its Chinese header (several, "/"-separated, are each accepted); ``type_``: its
    type in the package when the stored type does not tell it (``dec`` in an integer
    column; ``date``, ``datetime`` or ``list`` in a text one); ``choices``: the codes it
    allows; ``code``: a column of codes whose name does not end in ``_code`` or ``_id`` (kept
    as text, r2). ``field``: SQLModel's ``Field`` arguments (``default``, ``primary_key``,
    ``index``)."""
    info = {"label": label, "type": type_, "choices": tuple(choices), "code": code}
    return Field(**field, sa_column_kwargs={"info": {PACKAGE: info}})


class Claim(SQLModel, table=True):
    __tablename__ = "claims"
    claim_id: str = package("结算ID", primary_key=True)
    patient_id: str = package("人员编号", index=True)
    gender: int = package("性别", choices=("1", "2", "9"))
    birth_date: str = package("出生日期", DATE)
    insurance_type: str = package("险种类型", choices=INSURANCE_TYPES)
    visit_type: str = package("就诊类型", choices=VISIT_TYPES)
    institution_code: str = package("定点机构编码", index=True)
    dept_code: str | None = package("科室编码", default=None)
    doctor_id: str | None = package("医保医师代码", default=None)
    admission_date: str = package("入院日期/就诊日期", DATE)
    discharge_date: str | None = package("出院日期", DATE, default=None)
    main_diagnosis: str | None = package("主要诊断编码", code=True, default=None)
    secondary_diagnoses: str | None = package("其他诊断编码", LIST, code=True, default=None)
    main_procedure: str | None = package("主要手术操作编码", code=True, default=None)
    other_procedures: str | None = package("其他手术操作编码", LIST, code=True, default=None)
    discharge_status: int | None = package(
        "离院方式", choices=("1", "2", "3", "4", "5", "9"), default=None
    )
    total_amount: int = package("医疗费总额", DEC)
    fund_paid: int | None = package("统筹基金支付", DEC, default=None)
    personal_paid: int | None = package("个人支付", DEC, default=None)
    settle_date: str | None = package("结算日期", DATE, default=None)
    newborn_weight_g: int | None = package("新生儿出生体重", default=None)
    extra: str | None = None


class Line(SQLModel, table=True):
    __tablename__ = "lines"
    __table_args__ = {"sqlite_with_rowid": False}
    claim_id: str = package("结算ID", primary_key=True)
    line_no: int = package("明细序号", primary_key=True)
    item_code: str = package("医保目录编码")
    item_name: str | None = package("项目名称", default=None)
    charge_time: str = package("费用发生时间", DATETIME)
    upload_time: str | None = package("上传时间", DATETIME, default=None)
    quantity: int = package("数量", DEC)
    unit_price: int = package("单价", DEC)
    amount: int = package("金额", DEC)
    days_supply: int | None = package("用药天数", default=None)
    dept_code: str | None = package("开单科室", default=None)
    doctor_id: str | None = package("开单医师", default=None)
    refund_of: int | None = package("冲销明细序号", default=None)
    # r2: what the patient paid outside the policy range
    self_pay_amount: int | None = package("自费金额", DEC, default=None)
    extra: str | None = None


class ClaimCode(SQLModel, table=True):
    """One diagnosis (kind ``dx``) or procedure (``px``) of a claim; seq 0 is the main one."""

    __tablename__ = "claim_codes"
    __table_args__ = {"sqlite_with_rowid": False}
    claim_id: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    code: str = Field(index=True)


class Institution(SQLModel, table=True):
    __tablename__ = "institutions"
    institution_code: str = package("定点机构编码", primary_key=True)
    name: str | None = package("机构名称", default=None)
    level: int = package("医院等级", choices=("0", "1", "2", "3"))
    kind: str | None = package(
        "机构类型",
        choices=("general", "tcm", "specialist", "primary", "pharmacy"),
        default=None,
    )
    public: int | None = package("公立", choices=FLAG, default=None)
    region_code: str | None = package("统筹区编码", default=None)
    dip_coefficient: int | None = package("DIP机构系数", DEC, default=None)
    extra: str | None = None


class Doctor(SQLModel, table=True):
    """A doctor under agreement (医保医师), from the optional ``reference/doctors.csv``."""

    __tablename__ = "doctors"
    doctor_id: str = package("医保医师代码", primary_key=True)
    name: str | None = package("姓名", default=None)
    institution_code: str | None = package("定点机构编码", default=None)
    dept_code: str | None = package("科室编码", default=None)
    title: str | None = package("职称", default=None)
    registered_on: str | None = package("备案日期", DATE, default=None)
    extra: str | None = None


class CatalogueItem(SQLModel, table=True):
    __tablename__ = "catalogue"
    item_code: str = package("医保目录编码", primary_key=True)
    item_name: str | None = package("名称", default=None)
    item_type: str = package("类别", choices=("drug", "herbal", "consumable", "service"))
    service_class: str | None = package(
        "服务类别",
        choices=("exam", "lab", "ct", "mri", "surgery", "treatment", "bed", "nursing", "other"),
        default=None,
    )
    generic_name: str | None = package("通用名", default=None)
    atc_code: str | None = package("ATC", default=None)
    payment_class: str | None = package("甲乙类", choices=("A", "B", "C"), default=None)
    self_pay_ratio: int | None = package("先行自付比例", DEC, default=None)
    max_unit_price: int | None = package("最高限价", DEC, default=None)
    restrict_insurance: str | None = package(
        "限险种", choices=("work_injury", "maternity"), default=None
    )
    restrict_gender: int | None = package("限性别", choices=("1", "2"), default=None)
    restrict_newborn: int | None = package("限新生儿", choices=FLAG, default=None)
    restrict_max_age: int | None = package("限最高年龄", default=None)
    restrict_min_level: int | None = package("限医院等级", default=None)
    restrict_visit_type: str | None = package("限就医方式", LIST, default=None)
    restrict_diagnoses: str | None = package("限适应症", LIST, code=True, default=None)
    restrict_disease_list: str | None = package("限病种目录", default=None)
    restrict_depts: str | None = package("限科室", LIST, code=True, default=None)
    second_line: int | None = package("限二线", choices=FLAG, default=None)
    herbal_rule: str | None = package("饮片支付", choices=("never", "not_alone"), default=None)
    max_daily_qty: int | None = package("日限量", DEC, default=None)
    max_days: int | None = package("最大支付天数", default=None)
    max_course_days: int | None = package("限支付疗程", default=None)
    max_total_amount: int | None = package("限报销总额", DEC, default=None)
    surgery_discount: int | None = package("多台手术折价", DEC, default=None)
    gender_only: int | None = package("性别专用", choices=("1", "2"), default=None)
    child_only: int | None = package("儿童专用", choices=FLAG, default=None)
    child_forbidden: int | None = package("儿童禁用", choices=FLAG, default=None)
    elderly_caution: int | None = package("老年慎用", choices=FLAG, default=None)
    remark: str | None = package("备注", default=None)
    extra: str | None = None


class Procurement(SQLModel, table=True):
    __tablename__ = "procurement"
    id: int | None = Field(default=None, primary_key=True)
    generic_name: str = package("通用名", index=True)
    item_code: str = package("医保目录编码", index=True)
    selected: int = package("中选", choices=FLAG)
    batch: str | None = package("批次", default=None)
    procurement_price: int | None = package("中选价格", DEC, default=None)
    payment_standard: int | None = package("医保支付标准", DEC, default=None)
    valid_from: str | None = package("执行期开始", DATE, default=None)
    valid_to: str | None = package("执行期结束", DATE, default=None)
    extra: str | None = None


class ProcurementVolume(SQLModel, table=True):
    __tablename__ = "procurement_volumes"
    id: int | None = Field(default=None, primary_key=True)
    institution_code: str = package("定点机构编码")
    generic_name: str = package("通用名")
    period_start: str = package("协议期开始", DATE)
    period_end: str = package("协议期结束", DATE)
    agreed_quantity: int = package("约定采购量", DEC)
    extra: str | None = None


class ItemPair(SQLModel, table=True):
    __tablename__ = "item_pairs"
    id: int | None = Field(default=None, primary_key=True)
    item_a: str = package("项目A", code=True)
    item_b: str = package("项目B", code=True)
    kind: str = package("关系", choices=("includes", "bundle", "interaction", "requires"))
    scope: str = package("范围", choices=("same_day", "same_claim"))
    note: str | None = package("依据", default=None)
    extra: str | None = None


class CodeLimit(SQLModel, table=True):
    __tablename__ = "code_limits"
    id: int | None = Field(default=None, primary_key=True)
    code_system: str = package("编码体系", choices=("icd10", "icd9cm3"))
    code_prefix: str = package("编码前缀", code=True)
    gender: int | None = package("限性别", choices=("1", "2"), default=None)
    min_age_days: int | None = package("最小年龄天数", default=None)
    max_age_days: int | None = package("最大年龄天数", default=None)
    disease_list: str | None = package("病种目录", default=None)
    procedure_kind: str | None = package(
        "操作类型", choices=("surgical", "therapeutic", "diagnostic"), default=None
    )
    note: str | None = package("说明", default=None)
    extra: str | None = None


class DipGroup(SQLModel, table=True):
    """A DIP catalogue row; ``source`` keeps an imported official catalogue (``official``)
    apart from one built from history (``built``)."""

    __tablename__ = "dip_groups"
    source: str = Field(default="official", primary_key=True)
    group_code: str = package("病种编码", primary_key=True)
    group_type: str = package("病种类型", choices=("core", "comprehensive", "basic"))
    diagnosis: str = package("诊断编码", code=True)
    main_procedure: str | None = package("主要手术操作", code=True, default=None)
    related_procedures: str | None = package("相关手术操作", code=True, default=None)
    treatment: str | None = package(
        "治疗方式",
        choices=("conservative", "diagnostic", "therapeutic", "surgical"),
        default=None,
    )
    rw: int = package("病种分值", DEC)
    avg_cost: int = package("次均费用", DEC)
    avg_los: int | None = package("平均住院日", DEC, default=None)
    extra: str | None = None


class DipParams(SQLModel, table=True):
    """The region's DIP parameters for one year, as imported (JSON text)."""

    __tablename__ = "dip_params"
    year: int = Field(primary_key=True)
    params: str


class Setting(SQLModel, table=True):
    """Per-workspace settings: rule parameter overrides, enabled rule sets, the DIP source."""

    __tablename__ = "settings"
    key: str = Field(primary_key=True)
    value: str


class Run(SQLModel, table=True):
    """One audit run or settlement: what produced it (rule sets, parameters, plug-ins)."""

    __tablename__ = "runs"
    run_id: str = Field(primary_key=True)
    kind: str  # "audit" or "settle"
    started_at: str
    finished_at: str | None = None
    rulesets: str | None = None  # JSON list of "id@version"
    parameters: str | None = None  # JSON
    plugins: str | None = None  # JSON list of "name@version"
    summary: str | None = None  # JSON counts
    catalogue: str | None = None  # a settlement's DIP catalogue (dip.params.catalogue_source)


class Finding(SQLModel, table=True):
    __tablename__ = "findings"
    finding_id: str = Field(primary_key=True)
    run_id: str = Field(index=True)
    rule_id: str
    code: str
    severity: str
    scope: str
    claim_id: str | None = Field(default=None, index=True)
    line_no: int | None = None
    institution_code: str | None = None
    subject: str | None = None  # e.g. the generic name of an institution × generic finding
    amount: int
    message_zh: str
    message_en: str
    # Who answers for it (accountability.md): the line's doctor/department, else the claim's;
    # none for an institution finding. Filled when the run is stored (engine.accountability).
    doctor_id: str | None = Field(default=None, index=True)
    dept_code: str | None = None
    # The rule's points_effect (zero | regroup_conservative) as it stood when the finding was
    # made: the reviewer confirms what was shown, and a later edit of the rule file does not
    # change a settlement of decisions already taken.
    points_effect: str | None = None


class Review(SQLModel, table=True):
    """A decision on a finding; revisions are new rows, the latest one counts."""

    __tablename__ = "reviews"
    id: int | None = Field(default=None, primary_key=True)
    finding_id: str = Field(index=True)
    decision: str  # confirm, dismiss, info
    deduction: int | None = None
    reviewer: str
    comment: str | None = None
    decided_at: str


class LogEntry(SQLModel, table=True):
    """The tamper-evident log: each entry carries the hash of the one before."""

    __tablename__ = "log"
    seq: int | None = Field(default=None, primary_key=True)
    at: str
    action: str
    detail: str
    prev_hash: str
    hash: str
    signer: str | None = None  # the fingerprint of the Ed25519 key that signed it, if any
    signature: str | None = None


class SettlementCase(SQLModel, table=True):
    __tablename__ = "settlement_cases"
    run_id: str = Field(primary_key=True)
    claim_id: str = Field(primary_key=True)
    institution_code: str
    group_code: str | None = None
    case_type: str
    payment_method: str
    rw: float
    coefficient: float | None = None
    ratio: float | None = None
    points: float
    fund: str | None = None
    factor: float | None = None
    effect: str | None = None  # zero, regroup_conservative or special_approved
    effect_source: str | None = None  # the finding id, or the special-case decision id


class SpecialReview(SQLModel, table=True):
    """A decision on a special case (特例单议): approve or revoke; the latest one counts."""

    __tablename__ = "special_reviews"
    id: int | None = Field(default=None, primary_key=True)
    claim_id: str = Field(index=True)
    decision: str  # approve, revoke
    reviewer: str
    comment: str | None = None
    decided_at: str


class SettlementInstitution(SQLModel, table=True):
    __tablename__ = "settlement_institutions"
    run_id: str = Field(primary_key=True)
    institution_code: str = Field(primary_key=True)
    result: str  # JSON row of the settle output


class DemoTruth(SQLModel, table=True):
    """Ground truth of the demo region: the violations planted on purpose."""

    __tablename__ = "demo_truth"
    id: int | None = Field(default=None, primary_key=True)
    code: str
    claim_id: str | None = None
    line_no: int | None = None
    institution_code: str | None = None


class PeerScore(SQLModel, table=True):
    """A subject's robust peer comparison in an audit run (analytics.md §2–3): every one,
    outlier or not, so the ranking and its drill-down read what the findings were judged on."""

    __tablename__ = "peer_scores"
    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(index=True)
    code: str  # TJ01…TJ04, or an indicator's ZB code
    kind: str  # doctor, department or institution
    subject: str
    institution_code: str | None = None
    group_code: str | None = None  # the DIP group (TJ), or the institution level (ZB)
    value: float
    median: float
    threshold: float
    score: float | None = None
    cases: int | None = None
    peers: int
    amount: int | None = None  # units of 1/10000

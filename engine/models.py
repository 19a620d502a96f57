"""The workspace tables.

Decimal columns of the contract are integers of 1/10000 (see ``engine.money``); dates are
ISO text (``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS``); list columns keep their ``;``-joined text,
and claim diagnosis/procedure lists are also exploded into ``claim_codes`` for SQL joins.
Unknown columns of an imported file are kept as JSON in ``extra``.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 3


class Claim(SQLModel, table=True):
    __tablename__ = "claims"
    claim_id: str = Field(primary_key=True)
    patient_id: str = Field(index=True)
    gender: int
    birth_date: str
    insurance_type: str
    visit_type: str
    institution_code: str = Field(index=True)
    dept_code: str | None = None
    doctor_id: str | None = None
    admission_date: str
    discharge_date: str | None = None
    main_diagnosis: str | None = None
    secondary_diagnoses: str | None = None
    main_procedure: str | None = None
    other_procedures: str | None = None
    discharge_status: int | None = None
    total_amount: int
    fund_paid: int | None = None
    personal_paid: int | None = None
    settle_date: str | None = None
    newborn_weight_g: int | None = None
    extra: str | None = None


class Line(SQLModel, table=True):
    __tablename__ = "lines"
    __table_args__ = {"sqlite_with_rowid": False}
    claim_id: str = Field(primary_key=True)
    line_no: int = Field(primary_key=True)
    item_code: str
    item_name: str | None = None
    charge_time: str
    upload_time: str | None = None
    quantity: int
    unit_price: int
    amount: int
    days_supply: int | None = None
    dept_code: str | None = None
    doctor_id: str | None = None
    refund_of: int | None = None
    self_pay_amount: int | None = None  # r2: what the patient paid outside the policy range
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
    institution_code: str = Field(primary_key=True)
    name: str | None = None
    level: int
    kind: str | None = None
    public: int | None = None
    region_code: str | None = None
    dip_coefficient: int | None = None
    extra: str | None = None


class Doctor(SQLModel, table=True):
    """A doctor under agreement (医保医师), from the optional ``reference/doctors.csv``."""

    __tablename__ = "doctors"
    doctor_id: str = Field(primary_key=True)
    name: str | None = None
    institution_code: str | None = None
    dept_code: str | None = None
    title: str | None = None
    registered_on: str | None = None
    extra: str | None = None


class CatalogueItem(SQLModel, table=True):
    __tablename__ = "catalogue"
    item_code: str = Field(primary_key=True)
    item_name: str | None = None
    item_type: str
    service_class: str | None = None
    generic_name: str | None = None
    atc_code: str | None = None
    payment_class: str | None = None
    self_pay_ratio: int | None = None
    max_unit_price: int | None = None
    restrict_insurance: str | None = None
    restrict_gender: int | None = None
    restrict_newborn: int | None = None
    restrict_max_age: int | None = None
    restrict_min_level: int | None = None
    restrict_visit_type: str | None = None
    restrict_diagnoses: str | None = None
    restrict_disease_list: str | None = None
    restrict_depts: str | None = None
    second_line: int | None = None
    herbal_rule: str | None = None
    max_daily_qty: int | None = None
    max_days: int | None = None
    max_course_days: int | None = None
    max_total_amount: int | None = None
    surgery_discount: int | None = None
    gender_only: int | None = None
    child_only: int | None = None
    child_forbidden: int | None = None
    elderly_caution: int | None = None
    remark: str | None = None
    extra: str | None = None


class Procurement(SQLModel, table=True):
    __tablename__ = "procurement"
    id: int | None = Field(default=None, primary_key=True)
    generic_name: str = Field(index=True)
    item_code: str = Field(index=True)
    selected: int
    batch: str | None = None
    procurement_price: int | None = None
    payment_standard: int | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    extra: str | None = None


class ProcurementVolume(SQLModel, table=True):
    __tablename__ = "procurement_volumes"
    id: int | None = Field(default=None, primary_key=True)
    institution_code: str
    generic_name: str
    period_start: str
    period_end: str
    agreed_quantity: int
    extra: str | None = None


class ItemPair(SQLModel, table=True):
    __tablename__ = "item_pairs"
    id: int | None = Field(default=None, primary_key=True)
    item_a: str
    item_b: str
    kind: str
    scope: str
    note: str | None = None
    extra: str | None = None


class CodeLimit(SQLModel, table=True):
    __tablename__ = "code_limits"
    id: int | None = Field(default=None, primary_key=True)
    code_system: str
    code_prefix: str
    gender: int | None = None
    min_age_days: int | None = None
    max_age_days: int | None = None
    disease_list: str | None = None
    procedure_kind: str | None = None
    note: str | None = None
    extra: str | None = None


class DipGroup(SQLModel, table=True):
    """A DIP catalogue row; ``source`` keeps an imported official catalogue (``official``)
    apart from one built from history (``built``)."""

    __tablename__ = "dip_groups"
    source: str = Field(default="official", primary_key=True)
    group_code: str = Field(primary_key=True)
    group_type: str
    diagnosis: str
    main_procedure: str | None = None
    related_procedures: str | None = None
    treatment: str | None = None
    rw: int
    avg_cost: int
    avg_los: int | None = None
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

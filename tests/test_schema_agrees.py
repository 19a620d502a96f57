"""The package's tables, derived from the workspace models (engine/models.py → engine/contract.py),
checked against the spec's own column lists, and every column of a package table's model is
either a package column or declared workspace-only.

``SPEC`` is spec/interchange.md's tables (accountability.md's for doctors), kept here so the
test needs no /work/shared: each column's name, type and Chinese label in the spec's order
(where the spec gives no 中文 column, the labels the import has always accepted; the spec's
执行期 for valid_from, valid_to is split into 执行期开始 / 执行期结束), ``req`` for a
required column (NOT NULL), ``code`` for a column of codes kept as text (r2), and after ``|``
the codes it allows. A column added to a model with ``models.package`` and not here, a label
or type changed, or a choice dropped, fails here."""

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from engine import contract, models

SPEC = {
    "claims": """
        claim_id             str   结算ID  req code
        patient_id           str   人员编号  req code
        gender               int   性别  req  | 1 2 9
        birth_date           date  出生日期  req
        insurance_type       str   险种类型  req  | employee resident maternity work_injury
        visit_type           str   就诊类型  req  | inpatient outpatient chronic_outpatient pharmacy
        institution_code     str   定点机构编码  req code
        dept_code            str   科室编码  code
        doctor_id            str   医保医师代码  code
        admission_date       date  入院日期/就诊日期  req
        discharge_date       date  出院日期
        main_diagnosis       str   主要诊断编码  code
        secondary_diagnoses  list  其他诊断编码  code
        main_procedure       str   主要手术操作编码  code
        other_procedures     list  其他手术操作编码  code
        discharge_status     int   离院方式  | 1 2 3 4 5 9
        total_amount         dec   医疗费总额  req
        fund_paid            dec   统筹基金支付
        personal_paid        dec   个人支付
        settle_date          date  结算日期
        newborn_weight_g     int   新生儿出生体重
    """,
    "lines": """
        claim_id         str       结算ID  req code
        line_no          int       明细序号  req
        item_code        str       医保目录编码  req code
        item_name        str       项目名称
        charge_time      datetime  费用发生时间  req
        upload_time      datetime  上传时间
        quantity         dec       数量  req
        unit_price       dec       单价  req
        amount           dec       金额  req
        days_supply      int       用药天数
        dept_code        str       开单科室  code
        doctor_id        str       开单医师  code
        refund_of        int       冲销明细序号
        self_pay_amount  dec       自费金额
    """,
    "institutions": """
        institution_code  str  定点机构编码  req code
        name              str  机构名称
        level             int  医院等级  req  | 0 1 2 3
        kind              str  机构类型  | general tcm specialist primary pharmacy
        public            int  公立  | 0 1
        region_code       str  统筹区编码  code
        dip_coefficient   dec  DIP机构系数
    """,
    "catalogue": """
        item_code              str   医保目录编码  req code
        item_name              str   名称
        item_type              str   类别  req  | drug herbal consumable service
        service_class          str   服务类别  | exam lab ct mri surgery treatment bed nursing other
        generic_name           str   通用名
        atc_code               str   ATC  code
        payment_class          str   甲乙类  | A B C
        self_pay_ratio         dec   先行自付比例
        max_unit_price         dec   最高限价
        restrict_insurance     str   限险种  | work_injury maternity
        restrict_gender        int   限性别  | 1 2
        restrict_newborn       int   限新生儿  | 0 1
        restrict_max_age       int   限最高年龄
        restrict_min_level     int   限医院等级
        restrict_visit_type    list  限就医方式
        restrict_diagnoses     list  限适应症  code
        restrict_disease_list  str   限病种目录
        restrict_depts         list  限科室  code
        second_line            int   限二线  | 0 1
        herbal_rule            str   饮片支付  | never not_alone
        max_daily_qty          dec   日限量
        max_days               int   最大支付天数
        max_course_days        int   限支付疗程
        max_total_amount       dec   限报销总额
        surgery_discount       dec   多台手术折价
        gender_only            int   性别专用  | 1 2
        child_only             int   儿童专用  | 0 1
        child_forbidden        int   儿童禁用  | 0 1
        elderly_caution        int   老年慎用  | 0 1
        remark                 str   备注
    """,
    "procurement": """
        generic_name       str   通用名  req
        item_code          str   医保目录编码  req code
        selected           int   中选  req  | 0 1
        batch              str   批次
        procurement_price  dec   中选价格
        payment_standard   dec   医保支付标准
        valid_from         date  执行期开始
        valid_to           date  执行期结束
    """,
    "procurement_volumes": """
        institution_code  str   定点机构编码  req code
        generic_name      str   通用名  req
        period_start      date  协议期开始  req
        period_end        date  协议期结束  req
        agreed_quantity   dec   约定采购量  req
    """,
    "item_pairs": """
        item_a  str  项目A  req code
        item_b  str  项目B  req code
        kind    str  关系  req  | includes bundle interaction requires
        scope   str  范围  req  | same_day same_claim
        note    str  依据
    """,
    "code_limits": """
        code_system     str  编码体系  req  | icd10 icd9cm3
        code_prefix     str  编码前缀  req code
        gender          int  限性别  | 1 2
        min_age_days    int  最小年龄天数
        max_age_days    int  最大年龄天数
        disease_list    str  病种目录
        procedure_kind  str  操作类型  | surgical therapeutic diagnostic
        note            str  说明
    """,
    "dip_groups": """
        group_code          str  病种编码  req code
        group_type          str  病种类型  req  | core comprehensive basic
        diagnosis           str  诊断编码  req code
        main_procedure      str  主要手术操作  code
        related_procedures  str  相关手术操作  code
        treatment           str  治疗方式  | conservative diagnostic therapeutic surgical
        rw                  dec  病种分值  req
        avg_cost            dec  次均费用  req
        avg_los             dec  平均住院日
    """,
    "doctors": """
        doctor_id         str   医保医师代码  req code
        name              str   姓名
        institution_code  str   定点机构编码  code
        dept_code         str   科室编码  code
        title             str   职称
        registered_on     date  备案日期
    """,
}
#: The columns each file keeps unique (spec: "unique"; lines: unique within the claim).
KEYS = {
    "claims": ("claim_id",),
    "lines": ("claim_id", "line_no"),
    "institutions": ("institution_code",),
    "catalogue": ("item_code",),
    "procurement": ("item_code", "valid_from"),
    "procurement_volumes": ("institution_code", "generic_name", "period_start"),
    "item_pairs": ("item_a", "item_b", "kind"),
    "code_limits": (),
    "dip_groups": ("group_code",),
    "doctors": ("doctor_id",),
}
#: How each contract type is stored: decimals as integers of 1/10000 (engine.money).
STORED_AS = {
    contract.STR: "text",
    contract.LIST: "text",
    contract.DATE: "text",
    contract.DATETIME: "text",
    contract.INT: "integer",
    contract.DEC: "integer",
}


def _spec(table: str) -> list[tuple]:
    out = []
    for line in SPEC[table].strip().splitlines():
        left, _, choices = line.partition("|")
        name, type_, label, *flags = left.split()
        out.append((name, type_, label, "req" in flags, "code" in flags, tuple(choices.split())))
    return out


def test_the_package_has_the_spec_tables_in_order():
    assert [t.name for t in contract.ALL_TABLES] == list(SPEC)
    assert [t.name for t in contract.CASE_TABLES] == ["claims", "lines"]
    assert all(t.folder == "" and t.required_file for t in contract.CASE_TABLES)
    assert all(t.folder == "reference" for t in contract.REFERENCE_TABLES)
    assert not any(t.required_file for t in contract.REFERENCE_TABLES)


@pytest.mark.parametrize("table", contract.ALL_TABLES, ids=lambda t: t.name)
def test_derived_contract_is_the_spec(table):
    got = [(c.name, c.type, c.label, c.required, c.is_code, c.choices) for c in table.columns]
    assert got == _spec(table.name)
    assert table.key == KEYS[table.name]
    assert table.extra  # unknown columns are kept as JSON


@pytest.mark.parametrize("table", contract.ALL_TABLES, ids=lambda t: t.name)
def test_every_model_column_is_in_the_package_or_workspace_only(table):
    model = SQLModel.metadata.tables[table.name]
    names = set(table.column_names)
    for stored in model.columns:
        assert stored.name in names or stored.name in contract.WORKSPACE_ONLY, stored.name
        if stored.name not in names:
            continue
        column = table.columns[table.column_names.index(stored.name)]
        kind = "integer" if isinstance(stored.type, sa.Integer) else "text"
        assert kind == STORED_AS[column.type], stored.name
        assert stored.nullable is not column.required, stored.name


def test_package_columns_only_on_package_tables():
    tables = {t.name for t in contract.ALL_TABLES}
    declared = {
        t.name
        for t in SQLModel.metadata.tables.values()
        for c in t.columns
        if models.PACKAGE in c.info
    }
    assert declared <= tables


def test_a_column_neither_declared_nor_workspace_only_is_refused():
    metadata = sa.MetaData()
    stray = type(
        "Stray",
        (),
        {
            "__table__": sa.Table(
                "stray",
                metadata,
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("code", sa.String, **models.package("编码").sa_column_kwargs),
                sa.Column("forgotten", sa.String),
            )
        },
    )
    with pytest.raises(TypeError, match=r"Stray\.forgotten"):
        contract.package_table(stray)

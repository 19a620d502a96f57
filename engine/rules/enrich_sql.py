"""The enrichment SQL: every fact field that spans rows, computed once per run.

Each step creates a TEMP table. Per-line features that only a few lines need (same-day
quantities, pairs, courses, …) go into one sparse table ``x_feat`` keyed by line, so the
final line query joins it once. Decimal columns are integers of 1/10000 in storage and
leave here as REAL yuan, the unit rule files use.

A run may be split into parts by claim id, one per core. Each step takes the rows it
produces from ``x_lines``, ``x_claims`` and ``x_claim_codes`` (TEMP views of the part,
``PART_VIEWS``) and reads the whole tables for what spans claims (a patient's visits, a
course of treatment), so the parts' facts together are the facts of the whole workspace.
"""

PART_VIEWS = ("lines", "claims", "claim_codes")

# Lines that a refund cancels, and the refund lines themselves.
CANCELLED = """
CREATE TEMP TABLE x_cancel (claim_id TEXT, line_no INTEGER, PRIMARY KEY (claim_id, line_no))
WITHOUT ROWID;
INSERT OR IGNORE INTO x_cancel
  SELECT claim_id, line_no FROM x_lines WHERE refund_of IS NOT NULL
  UNION SELECT claim_id, refund_of FROM x_lines WHERE refund_of IS NOT NULL;
"""

# Restriction lists of the catalogue, one prefix a row.
PREFIXES = """
CREATE TEMP TABLE x_item_dx (item_code TEXT, prefix TEXT);
CREATE TEMP TABLE x_list_dx (list TEXT, prefix TEXT);
CREATE TEMP TABLE x_dx_of_item (claim_id TEXT, item_code TEXT, PRIMARY KEY (claim_id, item_code))
WITHOUT ROWID;
CREATE TEMP TABLE x_list_of_claim (claim_id TEXT, list TEXT, PRIMARY KEY (claim_id, list))
WITHOUT ROWID;
"""

# The feature table, and the drugs that could take part in duplicate therapy (classes with
# more than one drug) or in an interaction.
FEATURE_TABLE = """
CREATE TEMP TABLE x_feat_raw (
  claim_id TEXT, line_no INTEGER,
  daily_qty REAL, daily_excess_qty REAL, claim_item_amount REAL, is_last_item_line INTEGER,
  surgery_lines_day INTEGER, surgery_rank_day INTEGER,
  included_in TEXT, bundled_with TEXT, requires_missing TEXT,
  dup_therapy INTEGER, interacts_with TEXT, first_line_before INTEGER, course_days INTEGER,
  herbal_day_all_not_alone INTEGER, dx_restriction_met INTEGER, disease_list_met INTEGER,
  proc_selected INTEGER, procurement_price REAL, payment_standard REAL,
  generic_has_selected INTEGER
);
CREATE TEMP TABLE x_drug_class (item_code TEXT PRIMARY KEY, class TEXT) WITHOUT ROWID;
INSERT INTO x_drug_class
  SELECT item_code, substr(atc_code, 1, 5) FROM catalogue
  WHERE item_type = 'drug' AND length(atc_code) >= 5 AND substr(atc_code, 1, 5) IN (
    SELECT substr(atc_code, 1, 5) FROM catalogue WHERE item_type = 'drug'
    GROUP BY 1 HAVING count(*) > 1);
CREATE TEMP TABLE x_interacting (item_code TEXT PRIMARY KEY, item_type TEXT) WITHOUT ROWID;
INSERT OR IGNORE INTO x_interacting
  SELECT k.item_code, k.item_type FROM catalogue k JOIN item_pairs p ON p.kind = 'interaction'
   AND (substr(k.atc_code, 1, length(p.item_a)) = p.item_a
        OR substr(k.atc_code, 1, length(p.item_b)) = p.item_b);
"""

# Each feature inserts only the lines it concerns. {nc} excludes cancelled lines.
NOT_CANCELLED = (
    "NOT EXISTS (SELECT 1 FROM x_cancel x WHERE x.claim_id = l.claim_id AND x.line_no = l.line_no)"
)


def _items(where: str, line: str = "l") -> str:
    """A test on the line's item alone, before any join: a line whose item cannot have the
    feature costs one lookup in a small set instead of a join with the catalogue."""
    return f"{line}.item_code IN (SELECT item_code FROM catalogue WHERE {where})"


FEATURES = [
    # Same-day quantity of an item on a claim, and the part of each line past the daily limit.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, daily_qty, daily_excess_qty)
    SELECT claim_id, line_no, day_total / 1e4,
           max(0, min(quantity, cum - max_daily_qty)) / 1e4
    FROM (SELECT l.claim_id, l.line_no, l.quantity, k.max_daily_qty,
                 sum(l.quantity) OVER w AS cum,
                 sum(l.quantity) OVER (PARTITION BY l.claim_id, l.item_code,
                                       substr(l.charge_time, 1, 10)) AS day_total
          FROM x_lines l JOIN catalogue k ON k.item_code = l.item_code
          WHERE {_items("max_daily_qty IS NOT NULL")} AND {NOT_CANCELLED}
          WINDOW w AS (PARTITION BY l.claim_id, l.item_code, substr(l.charge_time, 1, 10)
                       ORDER BY l.line_no))
    """,
    # The item's amount on the claim (refunds net out), and its last charged line.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, claim_item_amount, is_last_item_line)
    SELECT l.claim_id, l.line_no, t.total / 1e4, l.line_no = t.last_line
    FROM x_lines l
    JOIN (SELECT l.claim_id, l.item_code, sum(l.amount) AS total,
                 max(CASE WHEN {NOT_CANCELLED} THEN l.line_no END) AS last_line
          FROM x_lines l
          WHERE {_items("max_total_amount IS NOT NULL")} GROUP BY l.claim_id, l.item_code) t
      ON t.claim_id = l.claim_id AND t.item_code = l.item_code
    WHERE {_items("max_total_amount IS NOT NULL")} AND {NOT_CANCELLED}
    """,
    # Surgeries of a claim on one day: how many, and this one's rank by price (1 = full price).
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, surgery_lines_day, surgery_rank_day)
    SELECT l.claim_id, l.line_no,
           count(*) OVER (PARTITION BY l.claim_id, substr(l.charge_time, 1, 10)),
           row_number() OVER (PARTITION BY l.claim_id, substr(l.charge_time, 1, 10)
                              ORDER BY l.unit_price DESC, l.line_no)
    FROM x_lines l
    WHERE {_items("service_class = 'surgery'")} AND {NOT_CANCELLED}
    """,
    # includes / bundle pairs: every b line whose a is charged within the pair's scope.
    """
    INSERT INTO x_feat_raw (claim_id, line_no, included_in, bundled_with)
    SELECT l.claim_id, l.line_no,
           max(CASE WHEN p.kind = 'includes' THEN p.item_a END),
           max(CASE WHEN p.kind = 'bundle' THEN p.item_a END)
    FROM x_lines l JOIN item_pairs p ON p.item_b = l.item_code AND p.kind IN ('includes', 'bundle')
    WHERE EXISTS (SELECT 1 FROM lines a WHERE a.claim_id = l.claim_id AND a.item_code = p.item_a
                  AND a.quantity > 0
                  AND (p.scope = 'same_claim'
                       OR substr(a.charge_time, 1, 10) = substr(l.charge_time, 1, 10)))
      AND l.quantity > 0
      AND l.item_code IN (SELECT item_b FROM item_pairs WHERE kind IN ('includes', 'bundle'))
    GROUP BY l.claim_id, l.line_no
    """,
    # requires pairs: a charged, b absent from the claim.
    """
    INSERT INTO x_feat_raw (claim_id, line_no, requires_missing)
    SELECT l.claim_id, l.line_no, min(p.item_b)
    FROM x_lines l JOIN item_pairs p ON p.item_a = l.item_code AND p.kind = 'requires'
    WHERE l.quantity > 0
      AND l.item_code IN (SELECT item_a FROM item_pairs WHERE kind = 'requires') AND NOT EXISTS (
        SELECT 1 FROM lines b WHERE b.claim_id = l.claim_id AND b.item_code = p.item_b
        AND b.quantity > 0
        AND (p.scope = 'same_claim' OR substr(b.charge_time, 1, 10) = substr(l.charge_time, 1, 10)))
    GROUP BY l.claim_id, l.line_no
    """,
    # Duplicate therapy: different drugs of one ATC level-4 class on a claim and day. Only a
    # claim with more of the class's drugs than classes can have one, so the window (a sort)
    # runs over those claims alone.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, dup_therapy)
    SELECT claim_id, line_no, 1 FROM (
      SELECT l.claim_id, l.line_no,
             min(l.item_code) OVER g AS lo, max(l.item_code) OVER g AS hi,
             min(l.line_no) OVER g AS first_line
      FROM x_lines l JOIN x_drug_class k ON k.item_code = l.item_code
      WHERE l.quantity > 0 AND {NOT_CANCELLED} AND l.claim_id IN (
        SELECT l.claim_id FROM x_lines l JOIN x_drug_class k ON k.item_code = l.item_code
        WHERE l.quantity > 0 GROUP BY l.claim_id
        HAVING count(DISTINCT l.item_code) > count(DISTINCT k.class))
      WINDOW g AS (PARTITION BY l.claim_id, substr(l.charge_time, 1, 10), k.class))
    WHERE lo <> hi AND line_no <> first_line
    """,
    # Interactions: two ATC prefixes on one claim and day; the later line is flagged. Only
    # lines of an item with one of the prefixes take part.
    """
    INSERT INTO x_feat_raw (claim_id, line_no, interacts_with)
    SELECT l.claim_id, l.line_no, min(m.item_code)
    FROM x_lines l JOIN catalogue k ON k.item_code = l.item_code
    JOIN item_pairs p ON p.kind = 'interaction'
         AND (substr(k.atc_code, 1, length(p.item_a)) = p.item_a
              OR substr(k.atc_code, 1, length(p.item_b)) = p.item_b)
    JOIN lines m ON m.claim_id = l.claim_id AND m.line_no <> l.line_no AND m.quantity > 0
         AND substr(m.charge_time, 1, 10) = substr(l.charge_time, 1, 10)
         AND (m.charge_time < l.charge_time
              OR (m.charge_time = l.charge_time AND m.line_no < l.line_no))
    JOIN catalogue km ON km.item_code = m.item_code
    WHERE l.item_code IN (SELECT item_code FROM x_interacting WHERE item_type = 'drug')
      AND m.item_code IN (SELECT item_code FROM x_interacting)
      AND l.quantity > 0 AND k.item_type = 'drug' AND (
          (substr(k.atc_code, 1, length(p.item_a)) = p.item_a
           AND substr(km.atc_code, 1, length(p.item_b)) = p.item_b)
       OR (substr(k.atc_code, 1, length(p.item_b)) = p.item_b
           AND substr(km.atc_code, 1, length(p.item_a)) = p.item_a))
    GROUP BY l.claim_id, l.line_no
    """,
    # Second-line drugs: is there an earlier first-line drug of the same ATC level-4 class?
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, first_line_before)
    SELECT l.claim_id, l.line_no, EXISTS (
        SELECT 1 FROM lines m JOIN catalogue km ON km.item_code = m.item_code
        WHERE m.claim_id = l.claim_id AND m.quantity > 0
          AND substr(km.atc_code, 1, 5) = substr(k.atc_code, 1, 5)
          AND coalesce(km.second_line, 0) <> 1
          AND (m.charge_time < l.charge_time
               OR (m.charge_time = l.charge_time AND m.line_no < l.line_no)))
    FROM x_lines l JOIN catalogue k ON k.item_code = l.item_code
    WHERE {_items("second_line = 1")} AND l.quantity > 0
    """,
    # Course length: days from the patient's first charge of the item (across the workspace).
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, course_days)
    SELECT l.claim_id, l.line_no,
           CAST(julianday(substr(l.charge_time, 1, 10)) - julianday(f.first_date) AS INTEGER) + 1
    FROM x_lines l JOIN claims c ON c.claim_id = l.claim_id
    JOIN (SELECT c2.patient_id, l2.item_code, min(substr(l2.charge_time, 1, 10)) AS first_date
          FROM lines l2 JOIN claims c2 ON c2.claim_id = l2.claim_id
          WHERE {_items("max_course_days IS NOT NULL", "l2")} AND l2.quantity > 0
          GROUP BY c2.patient_id, l2.item_code) f
      ON f.patient_id = c.patient_id AND f.item_code = l.item_code
    WHERE {_items("max_course_days IS NOT NULL")} AND l.quantity > 0
    """,
    # Herbal pieces paid only in a compound: is every herbal line of that day "not_alone"?
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, herbal_day_all_not_alone)
    SELECT l.claim_id, l.line_no, NOT EXISTS (
        SELECT 1 FROM lines m JOIN catalogue km ON km.item_code = m.item_code
        WHERE m.claim_id = l.claim_id AND km.item_type = 'herbal' AND m.quantity > 0
          AND substr(m.charge_time, 1, 10) = substr(l.charge_time, 1, 10)
          AND coalesce(km.herbal_rule, '') <> 'not_alone')
    FROM x_lines l
    WHERE {_items("item_type = 'herbal' AND herbal_rule = 'not_alone'")}
    """,
    # Indications: does a diagnosis of the claim start with one of the item's prefixes?
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, dx_restriction_met)
    SELECT l.claim_id, l.line_no,
           EXISTS (SELECT 1 FROM x_dx_of_item d
                   WHERE d.claim_id = l.claim_id AND d.item_code = l.item_code)
    FROM x_lines l
    WHERE {_items("restrict_diagnoses IS NOT NULL")}
    """,
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, disease_list_met)
    SELECT l.claim_id, l.line_no,
           EXISTS (SELECT 1 FROM x_list_of_claim d
                   WHERE d.claim_id = l.claim_id AND d.list = k.restrict_disease_list)
    FROM x_lines l JOIN catalogue k ON k.item_code = l.item_code
    WHERE {_items("restrict_disease_list IS NOT NULL")}
    """,
    # Centralised procurement status of the line's product at its charge date.
    """
    INSERT INTO x_feat_raw (claim_id, line_no, proc_selected, procurement_price,
                            payment_standard, generic_has_selected)
    SELECT l.claim_id, l.line_no, p.selected, p.procurement_price / 1e4,
           (SELECT max(g.payment_standard) FROM procurement g
             WHERE g.generic_name = p.generic_name
               AND substr(l.charge_time, 1, 10) BETWEEN coalesce(g.valid_from, '0000-01-01')
                                                    AND coalesce(g.valid_to, '9999-12-31')) / 1e4,
           EXISTS (SELECT 1 FROM procurement s
                    WHERE s.generic_name = p.generic_name AND s.selected = 1
                      AND substr(l.charge_time, 1, 10)
                          BETWEEN coalesce(s.valid_from, '0000-01-01')
                              AND coalesce(s.valid_to, '9999-12-31'))
    FROM x_lines l JOIN procurement p ON p.item_code = l.item_code
         AND substr(l.charge_time, 1, 10) BETWEEN coalesce(p.valid_from, '0000-01-01')
                                              AND coalesce(p.valid_to, '9999-12-31')
    WHERE l.item_code IN (SELECT item_code FROM procurement) AND l.quantity > 0
    GROUP BY l.claim_id, l.line_no
    """,
]

FEATURE_COLUMNS = [
    "daily_qty",
    "daily_excess_qty",
    "claim_item_amount",
    "is_last_item_line",
    "surgery_lines_day",
    "surgery_rank_day",
    "included_in",
    "bundled_with",
    "requires_missing",
    "dup_therapy",
    "interacts_with",
    "first_line_before",
    "course_days",
    "herbal_day_all_not_alone",
    "dx_restriction_met",
    "disease_list_met",
    "proc_selected",
    "procurement_price",
    "payment_standard",
    "generic_has_selected",
]

FEATURE_MERGE = (
    "CREATE TEMP TABLE x_feat (claim_id TEXT, line_no INTEGER, "
    + ", ".join(FEATURE_COLUMNS)
    + ", PRIMARY KEY (claim_id, line_no)) WITHOUT ROWID;"
    + " INSERT INTO x_feat SELECT claim_id, line_no, "
    + ", ".join(f"max({c})" for c in FEATURE_COLUMNS)
    + " FROM x_feat_raw GROUP BY claim_id, line_no;"
)

AGE_YEARS = (
    "(CAST(substr({d}, 1, 4) AS INTEGER) - CAST(substr(c.birth_date, 1, 4) AS INTEGER)"
    " - (substr({d}, 6, 5) < substr(c.birth_date, 6, 5)))"
)
AGE_DAYS = "CAST(julianday(substr({d}, 1, 10)) - julianday(c.birth_date) AS INTEGER)"

LINE_FACTS = f"""
SELECT l.claim_id, l.line_no, l.item_code, coalesce(l.item_name, k.item_name) AS item_name,
  l.charge_time, substr(l.charge_time, 1, 10) AS charge_date, l.upload_time,
  l.quantity / 1e4 AS quantity, l.unit_price / 1e4 AS unit_price, l.amount / 1e4 AS amount,
  l.days_supply, coalesce(l.dept_code, c.dept_code) AS dept_code,
  coalesce(l.doctor_id, c.doctor_id) AS doctor_id, l.refund_of,
  (l.refund_of IS NOT NULL) AS is_refund,
  EXISTS (SELECT 1 FROM x_cancel x WHERE x.claim_id = l.claim_id AND x.line_no = l.line_no)
    AS cancelled,
  abs(l.amount - l.quantity * l.unit_price / 1e4) / 1e4 AS amount_mismatch,
  (julianday(l.upload_time) - julianday(l.charge_time)) * 24.0 AS upload_delay_hours,
  (c.visit_type = 'inpatient' AND (substr(l.charge_time, 1, 10) < c.admission_date
     OR substr(l.charge_time, 1, 10) > coalesce(c.discharge_date, '9999-12-31')))
    AS charge_outside_stay,
  c.patient_id, c.gender, c.insurance_type, c.visit_type, c.institution_code,
  c.admission_date, c.discharge_date, c.main_diagnosis, c.secondary_diagnoses,
  {AGE_YEARS.format(d="l.charge_time")} AS age_years,
  {AGE_DAYS.format(d="l.charge_time")} AS age_days,
  i.level AS institution_level, i.public AS institution_public,
  (k.item_code IS NOT NULL) AS in_catalogue,
  k.item_type, k.service_class, k.generic_name, k.atc_code, k.payment_class,
  k.max_unit_price / 1e4 AS max_unit_price, k.restrict_insurance, k.restrict_gender,
  k.restrict_newborn, k.restrict_max_age, k.restrict_min_level, k.restrict_visit_type,
  k.restrict_diagnoses, k.restrict_disease_list, k.restrict_depts, k.second_line,
  k.herbal_rule, k.max_daily_qty / 1e4 AS max_daily_qty, k.max_days, k.max_course_days,
  k.max_total_amount / 1e4 AS max_total_amount, k.surgery_discount / 1e4 AS surgery_discount,
  k.gender_only, k.child_only, k.child_forbidden, k.elderly_caution,
  CASE WHEN k.restrict_visit_type IS NULL THEN NULL
       ELSE instr(';' || k.restrict_visit_type || ';', ';' || c.visit_type || ';') > 0
  END AS visit_type_allowed,
  CASE WHEN k.restrict_depts IS NULL THEN NULL
       ELSE instr(';' || k.restrict_depts || ';',
                  ';' || coalesce(l.dept_code, c.dept_code, '') || ';') > 0
  END AS dept_allowed,
  {", ".join("f." + c for c in FEATURE_COLUMNS)}
FROM x_lines l
JOIN claims c ON c.claim_id = l.claim_id
LEFT JOIN institutions i ON i.institution_code = c.institution_code
LEFT JOIN catalogue k ON k.item_code = l.item_code
LEFT JOIN x_feat f ON f.claim_id = l.claim_id AND f.line_no = l.line_no
"""

# Fact fields computed per row by a function or subquery: rule conditions test them last.
LINE_COSTLY = frozenset(
    {
        "cancelled",
        "amount_mismatch",
        "upload_delay_hours",
        "charge_outside_stay",
        "age_years",
        "age_days",
        "visit_type_allowed",
        "dept_allowed",
        "charge_date",
    }
)

CLAIM_STEPS = """
CREATE TEMP TABLE x_claim_agg AS
  SELECT l.claim_id, sum(l.amount) AS lines_total,
         sum(CASE WHEN k.service_class = 'surgery' AND l.quantity > 0 THEN 1 ELSE 0 END)
           AS surgery_lines,
         sum(CASE WHEN k.service_class IN ('exam', 'lab', 'ct', 'mri') THEN l.amount ELSE 0 END)
           AS exam_amount,
         sum(CASE WHEN k.item_type IN ('drug', 'herbal') THEN l.amount ELSE 0 END) AS drug,
         sum(CASE WHEN k.service_class IN ('exam', 'lab') THEN l.amount ELSE 0 END) AS exam,
         sum(CASE WHEN k.item_type = 'consumable' THEN l.amount ELSE 0 END) AS consumable,
         sum(CASE WHEN k.service_class = 'treatment' THEN l.amount ELSE 0 END) AS treatment,
         sum(CASE WHEN k.service_class = 'ct' THEN l.amount ELSE 0 END) AS ct,
         sum(CASE WHEN k.service_class = 'mri' THEN l.amount ELSE 0 END) AS mri
  FROM x_lines l LEFT JOIN catalogue k ON k.item_code = l.item_code GROUP BY l.claim_id;
CREATE UNIQUE INDEX temp.x_claim_agg_id ON x_claim_agg (claim_id);
CREATE TEMP TABLE x_code_limit AS
  SELECT DISTINCT cc.code, cc.kind, cl.gender, cl.min_age_days, cl.max_age_days
  FROM (SELECT DISTINCT code, kind FROM x_claim_codes) cc
  JOIN code_limits cl
    ON cl.code_system = CASE cc.kind WHEN 'dx' THEN 'icd10' ELSE 'icd9cm3' END
   AND substr(cc.code, 1, length(cl.code_prefix)) = cl.code_prefix
  WHERE cl.gender IS NOT NULL OR cl.min_age_days IS NOT NULL OR cl.max_age_days IS NOT NULL;
CREATE INDEX temp.x_code_limit_code ON x_code_limit (code, kind);
CREATE TEMP TABLE x_visits AS
  SELECT claim_id, patient_id, institution_code, visit_type, admission_date, discharge_date,
         julianday(admission_date) AS day FROM claims;
CREATE INDEX temp.x_visits_patient ON x_visits (patient_id, visit_type, day);
"""


def _window_rank(types: str, days: int) -> str:
    """The visit's position among the patient's visits of these types in a trailing window."""
    return f"""
    CASE WHEN c.visit_type IN ({types}) THEN (
      SELECT count(*) FROM x_visits v
      WHERE v.patient_id = c.patient_id AND v.visit_type IN ({types})
        AND v.day BETWEEN julianday(c.admission_date) - {days - 1} AND julianday(c.admission_date)
        AND (v.day < julianday(c.admission_date) OR v.claim_id <= c.claim_id)) END"""


CLAIM_FACTS = f"""
SELECT c.claim_id, c.patient_id, c.gender, c.insurance_type, c.visit_type, c.institution_code,
  c.dept_code, c.doctor_id, c.admission_date, c.discharge_date, c.main_diagnosis,
  c.main_procedure, c.discharge_status,
  c.total_amount / 1e4 AS total_amount, c.fund_paid / 1e4 AS fund_paid,
  c.personal_paid / 1e4 AS personal_paid,
  {AGE_YEARS.format(d="c.admission_date")} AS age_years,
  {AGE_DAYS.format(d="c.admission_date")} AS age_days,
  CASE WHEN c.visit_type = 'inpatient' AND c.discharge_date IS NOT NULL
       THEN max(1, CAST(julianday(c.discharge_date) - julianday(c.admission_date) AS INTEGER))
  END AS los,
  i.level AS institution_level, i.public AS institution_public,
  coalesce(a.lines_total, 0) / 1e4 AS lines_total,
  abs(c.total_amount - coalesce(a.lines_total, 0)) / 1e4 AS total_diff,
  CASE WHEN c.fund_paid IS NOT NULL AND c.personal_paid IS NOT NULL
       THEN abs(c.fund_paid + c.personal_paid - c.total_amount) / 1e4 END AS paid_diff,
  (c.discharge_date IS NOT NULL AND c.discharge_date < c.admission_date) AS discharge_before_admission,
  coalesce(a.surgery_lines, 0) AS surgery_lines,
  coalesce(a.exam_amount, 0) / 1e4 AS exam_amount,
  (c.main_procedure IS NOT NULL OR c.other_procedures IS NOT NULL) AS has_procedure,
  (SELECT min(cc.code) FROM claim_codes cc JOIN x_code_limit x ON x.code = cc.code AND x.kind = 'dx'
    WHERE cc.claim_id = c.claim_id AND c.gender IN (1, 2) AND x.gender IS NOT NULL
      AND x.gender <> c.gender) AS dx_gender_conflict,
  (SELECT min(cc.code) FROM claim_codes cc JOIN x_code_limit x ON x.code = cc.code AND x.kind = 'px'
    WHERE cc.claim_id = c.claim_id AND c.gender IN (1, 2) AND x.gender IS NOT NULL
      AND x.gender <> c.gender) AS px_gender_conflict,
  (SELECT min(cc.code) FROM claim_codes cc JOIN x_code_limit x ON x.code = cc.code AND x.kind = 'dx'
    WHERE cc.claim_id = c.claim_id
      AND ({AGE_DAYS.format(d="c.admission_date")} < x.min_age_days
           OR {AGE_DAYS.format(d="c.admission_date")} > x.max_age_days)) AS dx_age_conflict,
  CASE WHEN c.visit_type = 'inpatient' THEN (
    SELECT CAST(c.day - max(julianday(v.discharge_date)) AS INTEGER) FROM x_visits v
    WHERE v.patient_id = c.patient_id AND v.visit_type = 'inpatient'
      AND v.institution_code = c.institution_code AND v.claim_id <> c.claim_id
      AND v.discharge_date IS NOT NULL AND julianday(v.discharge_date) <= c.day
      AND v.day <= c.day) END AS days_since_prev_discharge,
  CASE WHEN c.visit_type IN ('outpatient', 'chronic_outpatient') THEN (
    SELECT CAST(min(v.day) - c.day AS INTEGER) FROM x_visits v
    WHERE v.patient_id = c.patient_id AND v.visit_type = 'inpatient'
      AND v.institution_code = c.institution_code AND v.day > c.day) END
    AS days_to_next_admission,
  {_window_rank("'outpatient', 'chronic_outpatient'", 30)} AS outpatient_visits_30d,
  {_window_rank("'pharmacy'", 30)} AS pharmacy_visits_30d,
  {_window_rank("'inpatient'", 365)} AS admissions_365d,
  d.payment_method AS dip_payment_method, d.group_code AS dip_group, d.case_type AS dip_case_type,
  d.avg_los AS dip_avg_los, d.ratio AS dip_ratio, d.procedure_kind AS main_procedure_kind
FROM (SELECT x_claims.*, julianday(admission_date) AS day FROM x_claims) c
LEFT JOIN institutions i ON i.institution_code = c.institution_code
LEFT JOIN x_claim_agg a ON a.claim_id = c.claim_id
LEFT JOIN x_dip d ON d.claim_id = c.claim_id
"""

DIP_TABLE = """
CREATE TEMP TABLE x_dip (claim_id TEXT PRIMARY KEY, payment_method TEXT, group_code TEXT,
  case_type TEXT, avg_los REAL, ratio REAL, procedure_kind TEXT, institution_code TEXT,
  discharge_date TEXT)
"""

# Claim fact fields computed per row (see LINE_COSTLY).
CLAIM_COSTLY = frozenset(
    {
        "age_years",
        "age_days",
        "los",
        "dx_gender_conflict",
        "px_gender_conflict",
        "dx_age_conflict",
        "days_since_prev_discharge",
        "days_to_next_admission",
        "outpatient_visits_30d",
        "pharmacy_visits_30d",
        "admissions_365d",
    }
)

# Amount shares by institution (ZB indicators), from the claims' sums in x_claim_agg.
INSTITUTION_SHARES = """
SELECT c.institution_code, sum(a.lines_total) AS total, sum(a.drug), sum(a.exam),
  sum(a.consumable), sum(a.treatment), sum(a.ct), sum(a.mri)
FROM x_claim_agg a JOIN claims c ON c.claim_id = a.claim_id
GROUP BY c.institution_code
"""

READMISSIONS = """
SELECT c.institution_code, count(*) AS stays,
  sum(EXISTS (SELECT 1 FROM x_visits v
              WHERE v.patient_id = c.patient_id AND v.visit_type = 'inpatient'
                AND v.institution_code = c.institution_code AND v.claim_id <> c.claim_id
                AND v.discharge_date IS NOT NULL
                AND julianday(c.admission_date) - julianday(v.discharge_date) BETWEEN 0 AND 31
                AND v.day <= julianday(c.admission_date))) AS readmissions
FROM x_claims c WHERE c.visit_type = 'inpatient' GROUP BY c.institution_code
"""

# Selected and non-selected quantities by institution and generic name (JC04, JC05), in
# units of 1/10000, so the parts of a run add up exactly.
GENERIC_USE = """
SELECT institution_code, generic_name,
  sum(CASE WHEN selected = 1 THEN qty ELSE 0 END) AS selected_units,
  sum(CASE WHEN selected = 0 THEN qty ELSE 0 END) AS nonselected_units,
  sum(qty) AS all_units
FROM x_generic_daily GROUP BY institution_code, generic_name
"""

GENERIC_DAILY = """
CREATE TEMP TABLE x_generic_daily AS
SELECT c.institution_code, p.generic_name, p.selected, substr(l.charge_time, 1, 10) AS day,
       sum(l.quantity) AS qty
FROM x_lines l JOIN claims c ON c.claim_id = l.claim_id
JOIN (SELECT DISTINCT item_code, generic_name, selected FROM procurement) p
  ON p.item_code = l.item_code
WHERE l.item_code IN (SELECT item_code FROM procurement)
GROUP BY 1, 2, 3, 4;
CREATE TEMP TABLE x_dates AS SELECT DISTINCT substr(charge_time, 1, 10) AS day FROM x_lines;
"""

VOLUME_PROGRESS = """
SELECT v.institution_code, v.generic_name, v.period_start, v.period_end,
  v.agreed_quantity / 1e4 AS agreed_quantity,
  coalesce((SELECT sum(g.qty) FROM x_generic_daily g
    WHERE g.institution_code = v.institution_code AND g.generic_name = v.generic_name
      AND g.selected = 1 AND g.day BETWEEN v.period_start AND v.period_end), 0)
    AS used_selected_units,
  (SELECT max(day) FROM x_dates WHERE day BETWEEN v.period_start AND v.period_end)
    AS last_charge_date
FROM procurement_volumes v
"""

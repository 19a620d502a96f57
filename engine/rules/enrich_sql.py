"""The enrichment SQL: every fact field that spans rows, computed once per run.

Each step creates a TEMP table. Per-line features that only a few lines need (same-day
quantities, pairs, courses, …) go into one sparse table ``x_feat`` keyed by line, so the
final line query joins it once. Decimal columns are integers of 1/10000 in storage and
leave here as REAL yuan, the unit rule files use.

A run may be split into parts by claim id, one per core. Each step takes the rows it
produces from ``x_lines``, ``x_claims`` and ``x_claim_codes`` (the part: TEMP views and copies,
``PART_VIEWS``, ``PART_COPIES``) and reads, for what spans claims (a patient's visits, a course of
treatment), the part's patients' claims in the whole tables, so the parts' facts together
are the facts of the whole workspace and a part's cost stays that of its own patients.
"""

import re

PART_VIEWS = ("lines",)
#: The part's claims and their codes, copied with their keys: a view of them let the planner
#: walk an index of the whole table (the institution's, the code's) to spare itself a sort,
#: so every part read all the claims. Lines have no index but their key.
PART_COPIES = {"claims": ("claim_id", "patient_id"), "claim_codes": ("claim_id",)}

# The part's patients: their other claims (in any part) are all that a step spanning claims
# reads, so a part's cost does not grow with the workspace.
PATIENTS = """
CREATE TEMP TABLE x_patients (patient_id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO x_patients SELECT patient_id FROM x_claims;
"""

# Refunds netted per original line (rules_spec r2): the quantity and amount that each
# refunded line's refunds take back. A refund names a line of its own claim, so a part's
# refunds are all in the part.
REFUNDS = """
CREATE TEMP TABLE x_refund (claim_id TEXT, line_no INTEGER, qty INTEGER, amount INTEGER,
  PRIMARY KEY (claim_id, line_no)) WITHOUT ROWID;
INSERT INTO x_refund SELECT claim_id, refund_of, sum(quantity), sum(amount) FROM x_lines
  WHERE refund_of IS NOT NULL GROUP BY claim_id, refund_of;
"""


def net(line: str = "l", column: str = "quantity") -> str:
    """The line's net quantity (or ``column`` amount) after its refunds, in storage units."""
    refund = "qty" if column == "quantity" else "amount"
    return (
        f"({line}.{column} + coalesce((SELECT r.{refund} FROM x_refund r"
        f" WHERE r.claim_id = {line}.claim_id AND r.line_no = {line}.line_no), 0))"
    )


def charged(line: str = "l") -> str:
    """True for a line that is not a refund and whose net quantity is above 0: the lines
    every rule reads (a fully refunded line is cancelled)."""
    return f"({line}.refund_of IS NULL AND {net(line)} > 0)"


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
  dup_therapy INTEGER, interacts_with TEXT, herbal_conflict_with TEXT,
  first_line_before INTEGER, course_days INTEGER, course_day_first INTEGER,
  course_day_amount REAL, drug_kind_rank INTEGER, drug_kinds_day INTEGER,
  item_day_amount REAL,
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
CREATE TEMP TABLE x_herbal_pair (item_code TEXT, other TEXT, PRIMARY KEY (item_code, other))
WITHOUT ROWID;
INSERT OR IGNORE INTO x_herbal_pair
  SELECT p.item_a, p.item_b FROM item_pairs p
  JOIN catalogue a ON a.item_code = p.item_a AND a.item_type = 'herbal'
  JOIN catalogue b ON b.item_code = p.item_b AND b.item_type = 'herbal'
  WHERE p.kind = 'interaction'
  UNION SELECT p.item_b, p.item_a FROM item_pairs p
  JOIN catalogue a ON a.item_code = p.item_a AND a.item_type = 'herbal'
  JOIN catalogue b ON b.item_code = p.item_b AND b.item_type = 'herbal'
  WHERE p.kind = 'interaction';
"""

# Every feature reads net quantities and only charged lines (see ``charged``).
CHARGED = charged("l")


def _items(where: str, line: str = "l") -> str:
    """A test on the line's item alone, before any join: a line whose item cannot have the
    feature costs one lookup in a small set instead of a join with the catalogue."""
    return f"{line}.item_code IN (SELECT item_code FROM catalogue WHERE {where})"


def _earlier(m: str = "m", line: str = "l") -> str:
    """``m`` comes before ``line``: by charge time, then line_no."""
    return (
        f"({m}.charge_time < {line}.charge_time"
        f" OR ({m}.charge_time = {line}.charge_time AND {m}.line_no < {line}.line_no))"
    )


def _same_day(m: str = "m", line: str = "l") -> str:
    return f"substr({m}.charge_time, 1, 10) = substr({line}.charge_time, 1, 10)"


FEATURES = [
    # Same-day net quantity of an item on a claim, and the part of each line past the daily
    # limit: a line is past it when the running net quantity up to it exceeds the limit.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, daily_qty, daily_excess_qty)
    SELECT claim_id, line_no, day_total / 1e4, max(0, min(nq, cum - max_daily_qty)) / 1e4
    FROM (SELECT claim_id, line_no, nq, max_daily_qty,
                 sum(nq) OVER w AS cum,
                 sum(nq) OVER (PARTITION BY claim_id, item_code, day) AS day_total
          FROM (SELECT l.claim_id, l.line_no, l.item_code, substr(l.charge_time, 1, 10) AS day,
                       k.max_daily_qty, {net()} AS nq
                FROM x_lines l JOIN catalogue k ON k.item_code = l.item_code
                WHERE {_items("max_daily_qty IS NOT NULL")} AND l.refund_of IS NULL)
          WHERE nq > 0
          WINDOW w AS (PARTITION BY claim_id, item_code, day ORDER BY line_no))
    """,
    # The item's net amount on the claim, and its last charged line.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, claim_item_amount, is_last_item_line)
    SELECT l.claim_id, l.line_no, t.total / 1e4, l.line_no = t.last_line
    FROM x_lines l
    JOIN (SELECT l.claim_id, l.item_code, sum(l.amount) AS total,
                 max(CASE WHEN {CHARGED} THEN l.line_no END) AS last_line
          FROM x_lines l
          WHERE {_items("max_total_amount IS NOT NULL")} GROUP BY l.claim_id, l.item_code) t
      ON t.claim_id = l.claim_id AND t.item_code = l.item_code
    WHERE {_items("max_total_amount IS NOT NULL")} AND {CHARGED}
    """,
    # Surgeries of a claim on one day: how many, and this one's rank by price (1 = full price).
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, surgery_lines_day, surgery_rank_day)
    SELECT l.claim_id, l.line_no,
           count(*) OVER (PARTITION BY l.claim_id, substr(l.charge_time, 1, 10)),
           row_number() OVER (PARTITION BY l.claim_id, substr(l.charge_time, 1, 10)
                              ORDER BY l.unit_price DESC, l.line_no)
    FROM x_lines l
    WHERE {_items("service_class = 'surgery'")} AND {CHARGED}
    """,
    # includes / bundle pairs: every b line whose a is charged within the pair's scope.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, included_in, bundled_with)
    SELECT l.claim_id, l.line_no,
           max(CASE WHEN p.kind = 'includes' THEN p.item_a END),
           max(CASE WHEN p.kind = 'bundle' THEN p.item_a END)
    FROM x_lines l JOIN item_pairs p ON p.item_b = l.item_code AND p.kind IN ('includes', 'bundle')
    WHERE EXISTS (SELECT 1 FROM lines a WHERE a.claim_id = l.claim_id AND a.item_code = p.item_a
                  AND {charged("a")}
                  AND (p.scope = 'same_claim' OR {_same_day("a")}))
      AND l.item_code IN (SELECT item_b FROM item_pairs WHERE kind IN ('includes', 'bundle'))
      AND {CHARGED}
    GROUP BY l.claim_id, l.line_no
    """,
    # requires pairs: a charged, b absent from the claim.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, requires_missing)
    SELECT l.claim_id, l.line_no, min(p.item_b)
    FROM x_lines l JOIN item_pairs p ON p.item_a = l.item_code AND p.kind = 'requires'
    WHERE l.item_code IN (SELECT item_a FROM item_pairs WHERE kind = 'requires') AND {CHARGED}
      AND NOT EXISTS (
        SELECT 1 FROM lines b WHERE b.claim_id = l.claim_id AND b.item_code = p.item_b
        AND {charged("b")} AND (p.scope = 'same_claim' OR {_same_day("b")}))
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
      WHERE {CHARGED} AND l.claim_id IN (
        SELECT l.claim_id FROM x_lines l JOIN x_drug_class k ON k.item_code = l.item_code
        WHERE l.quantity > 0 GROUP BY l.claim_id
        HAVING count(DISTINCT l.item_code) > count(DISTINCT k.class))
      WINDOW g AS (PARTITION BY l.claim_id, substr(l.charge_time, 1, 10), k.class))
    WHERE lo <> hi AND line_no <> first_line
    """,
    # Interactions: two ATC prefixes on one claim and day; the later line is flagged. Only
    # lines of an item with one of the prefixes take part.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, interacts_with)
    SELECT l.claim_id, l.line_no, min(m.item_code)
    FROM x_lines l JOIN catalogue k ON k.item_code = l.item_code
    JOIN item_pairs p ON p.kind = 'interaction'
         AND (substr(k.atc_code, 1, length(p.item_a)) = p.item_a
              OR substr(k.atc_code, 1, length(p.item_b)) = p.item_b)
    JOIN lines m ON m.claim_id = l.claim_id AND m.line_no <> l.line_no AND {charged("m")}
         AND {_same_day()} AND {_earlier()}
    JOIN catalogue km ON km.item_code = m.item_code
    WHERE l.item_code IN (SELECT item_code FROM x_interacting WHERE item_type = 'drug')
      AND m.item_code IN (SELECT item_code FROM x_interacting)
      AND {CHARGED} AND k.item_type = 'drug' AND (
          (substr(k.atc_code, 1, length(p.item_a)) = p.item_a
           AND substr(km.atc_code, 1, length(p.item_b)) = p.item_b)
       OR (substr(k.atc_code, 1, length(p.item_b)) = p.item_b
           AND substr(km.atc_code, 1, length(p.item_a)) = p.item_a))
    GROUP BY l.claim_id, l.line_no
    """,
    # Herbal incompatibilities (十八反/十九畏): a pair of herbal item codes on one claim and
    # day; the later line is flagged.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, herbal_conflict_with)
    SELECT l.claim_id, l.line_no, min(m.item_code)
    FROM x_lines l JOIN x_herbal_pair p ON p.item_code = l.item_code
    JOIN lines m ON m.claim_id = l.claim_id AND m.item_code = p.other
         AND m.line_no <> l.line_no AND {charged("m")} AND {_same_day()} AND {_earlier()}
    WHERE l.item_code IN (SELECT item_code FROM x_herbal_pair) AND {CHARGED}
    GROUP BY l.claim_id, l.line_no
    """,
    # Second-line drugs: is there an earlier first-line drug of the same ATC level-4 class?
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, first_line_before)
    SELECT l.claim_id, l.line_no, EXISTS (
        SELECT 1 FROM lines m JOIN catalogue km ON km.item_code = m.item_code
        WHERE m.claim_id = l.claim_id AND {charged("m")}
          AND substr(km.atc_code, 1, 5) = substr(k.atc_code, 1, 5)
          AND coalesce(km.second_line, 0) <> 1 AND {_earlier()})
    FROM x_lines l JOIN catalogue k ON k.item_code = l.item_code
    WHERE {_items("second_line = 1")} AND {CHARGED}
    """,
    # Course of treatment (r2): the days of use of an item (charge dates with a net quantity
    # above 0), counted within the claim for a stay and within the patient's calendar year
    # over all other claims; each day's first line, and the day's net amount. A patient's
    # other claims may lie in other parts: their lines are read from the whole table.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, course_days, course_day_first, course_day_amount)
    WITH base AS MATERIALIZED (
      SELECT l.claim_id, l.line_no, l.item_code, l.refund_of, l.quantity, l.amount,
             l.charge_time,
             CASE WHEN c.visit_type = 'inpatient' THEN 'c' || c.claim_id
                  ELSE 'p' || c.patient_id || '|' || substr(l.charge_time, 1, 4) END AS grp
      FROM claims c JOIN lines l ON l.claim_id = c.claim_id
      WHERE c.patient_id IN (SELECT patient_id FROM x_patients)
        AND {_items("max_course_days IS NOT NULL")}),
    refunds AS MATERIALIZED (
      SELECT claim_id, refund_of AS line_no, sum(quantity) AS qty, sum(amount) AS amount
      FROM base WHERE refund_of IS NOT NULL GROUP BY claim_id, refund_of),
    used AS MATERIALIZED (
      SELECT b.claim_id, b.line_no, b.item_code, b.grp, b.charge_time,
             substr(b.charge_time, 1, 10) AS day, b.amount + coalesce(r.amount, 0) AS na
      FROM base b LEFT JOIN refunds r ON r.claim_id = b.claim_id AND r.line_no = b.line_no
      WHERE b.refund_of IS NULL AND b.quantity + coalesce(r.qty, 0) > 0),
    days AS (
      SELECT grp, item_code, day, sum(na) AS day_amount,
             row_number() OVER (PARTITION BY grp, item_code ORDER BY day) AS rank
      FROM used GROUP BY grp, item_code, day),
    firsts AS (
      SELECT claim_id, line_no, grp, item_code, day,
             row_number() OVER (PARTITION BY grp, item_code, day
                                ORDER BY charge_time, claim_id, line_no) AS pos
      FROM used)
    SELECT f.claim_id, f.line_no, d.rank, f.pos = 1, d.day_amount / 1e4
    FROM firsts f JOIN days d ON d.grp = f.grp AND d.item_code = f.item_code AND d.day = f.day
    WHERE f.claim_id IN (SELECT claim_id FROM x_claims)
    """,
    # Drug kinds a day (r2) on a visit or a pharmacy purchase: each item's rank by its first
    # line that day, with the item's net amount that day. Only claims with more drug items
    # than the limit in all can exceed it on one day.
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, drug_kind_rank, drug_kinds_day, item_day_amount)
    SELECT claim_id, first_line, row_number() OVER (PARTITION BY claim_id, day
                                                    ORDER BY first_line),
           count(*) OVER (PARTITION BY claim_id, day), amount / 1e4
    FROM (SELECT l.claim_id, substr(l.charge_time, 1, 10) AS day, l.item_code,
                 min(l.line_no) AS first_line, sum({net("l", "amount")}) AS amount
          FROM x_lines l
          WHERE {_items("item_type = 'drug'")} AND {CHARGED} AND l.claim_id IN (
            SELECT l.claim_id FROM x_lines l
            WHERE {_items("item_type = 'drug'")} AND l.refund_of IS NULL AND l.claim_id IN (
              SELECT c.claim_id FROM x_claims c
              WHERE c.visit_type IN ('outpatient', 'chronic_outpatient', 'pharmacy')
                AND (SELECT count(*) FROM x_lines n WHERE n.claim_id = c.claim_id)
                    > {{max_drug_kinds}})
            GROUP BY l.claim_id HAVING count(DISTINCT l.item_code) > {{max_drug_kinds}})
          GROUP BY l.claim_id, day, l.item_code)
    """,
    # Herbal pieces paid only in a compound: is every herbal line of that day "not_alone"?
    f"""
    INSERT INTO x_feat_raw (claim_id, line_no, herbal_day_all_not_alone)
    SELECT l.claim_id, l.line_no, NOT EXISTS (
        SELECT 1 FROM lines m JOIN catalogue km ON km.item_code = m.item_code
        WHERE m.claim_id = l.claim_id AND km.item_type = 'herbal' AND {charged("m")}
          AND {_same_day()} AND coalesce(km.herbal_rule, '') <> 'not_alone')
    FROM x_lines l
    WHERE {_items("item_type = 'herbal' AND herbal_rule = 'not_alone'")} AND {CHARGED}
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
    f"""
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
    WHERE l.item_code IN (SELECT item_code FROM procurement) AND {CHARGED}
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
    "herbal_conflict_with",
    "first_line_before",
    "course_days",
    "course_day_first",
    "course_day_amount",
    "drug_kind_rank",
    "drug_kinds_day",
    "item_day_amount",
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

# Line facts: the charged lines only (refund lines and cancelled lines never reach a rule);
# ``quantity`` and ``amount`` are net of refunds, ``charged_quantity`` and
# ``charged_amount`` what the line itself says. ``is_refund`` and ``cancelled`` stay (always
# 0) for rule files written for revision 1.
LINE_FACTS = f"""
SELECT l.claim_id, l.line_no, l.item_code, coalesce(l.item_name, k.item_name) AS item_name,
  l.charge_time, substr(l.charge_time, 1, 10) AS charge_date, l.upload_time,
  (l.quantity + coalesce(r.qty, 0)) / 1e4 AS quantity, l.unit_price / 1e4 AS unit_price,
  (l.amount + coalesce(r.amount, 0)) / 1e4 AS amount,
  l.quantity / 1e4 AS charged_quantity, l.amount / 1e4 AS charged_amount,
  l.self_pay_amount / 1e4 AS self_pay_amount,
  l.days_supply, coalesce(l.dept_code, c.dept_code) AS dept_code,
  coalesce(l.doctor_id, c.doctor_id) AS doctor_id, l.refund_of,
  0 AS is_refund, 0 AS cancelled, (r.qty IS NOT NULL) AS refunded,
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
  (l.quantity + coalesce(r.qty, 0)) / 1e4 / max(coalesce(l.days_supply, 1), 1) AS daily_dose,
  max(coalesce(l.days_supply, 1), 1) AS dose_days,
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
LEFT JOIN x_refund r ON r.claim_id = l.claim_id AND r.line_no = l.line_no
LEFT JOIN institutions i ON i.institution_code = c.institution_code
LEFT JOIN catalogue k ON k.item_code = l.item_code
LEFT JOIN x_feat f ON f.claim_id = l.claim_id AND f.line_no = l.line_no
WHERE l.refund_of IS NULL AND l.quantity + coalesce(r.qty, 0) > 0
"""

# Fact fields computed per row by a function or subquery: rule conditions test them last.
LINE_COSTLY = frozenset(
    {
        "amount_mismatch",
        "upload_delay_hours",
        "charge_outside_stay",
        "age_years",
        "age_days",
        "visit_type_allowed",
        "dept_allowed",
        "charge_date",
        "daily_dose",
    }
)

# Claim sums over the net lines (a refund's negative amount nets out in a sum) with the days
# strictly inside a stay that charge more than bed, nursing and "other" services (XW01); the claims
# with a malformed diagnosis code (GZ10000201003000: letter, two digits, optionally a dot and
# 1–7 letters or digits).
CLAIM_STEPS = f"""
CREATE TEMP TABLE x_claim_agg AS
  SELECT l.claim_id, sum(l.amount) AS lines_total,
         sum(CASE WHEN k.service_class = 'surgery' AND {CHARGED} THEN 1 ELSE 0 END)
           AS surgery_lines,
         sum(CASE WHEN k.service_class IN ('exam', 'lab', 'ct', 'mri') THEN l.amount ELSE 0 END)
           AS exam_amount,
         sum(CASE WHEN k.item_type IN ('drug', 'herbal') THEN l.amount ELSE 0 END) AS drug,
         sum(CASE WHEN k.service_class IN ('exam', 'lab') THEN l.amount ELSE 0 END) AS exam,
         sum(CASE WHEN k.item_type = 'consumable' THEN l.amount ELSE 0 END) AS consumable,
         sum(CASE WHEN k.service_class = 'treatment' THEN l.amount ELSE 0 END) AS treatment,
         sum(CASE WHEN k.service_class = 'ct' THEN l.amount ELSE 0 END) AS ct,
         sum(CASE WHEN k.service_class = 'mri' THEN l.amount ELSE 0 END) AS mri,
         count(DISTINCT CASE
           WHEN c.visit_type = 'inpatient'
            AND substr(l.charge_time, 1, 10) > c.admission_date
            AND substr(l.charge_time, 1, 10) < c.discharge_date
            AND NOT (coalesce(k.item_type, '') = 'service'
                     AND coalesce(k.service_class, '') IN ('bed', 'nursing', 'other'))
            AND {CHARGED}
           THEN substr(l.charge_time, 1, 10) END) AS active_days
  FROM x_lines l JOIN x_claims c ON c.claim_id = l.claim_id
  LEFT JOIN catalogue k ON k.item_code = l.item_code GROUP BY l.claim_id;
CREATE UNIQUE INDEX temp.x_claim_agg_id ON x_claim_agg (claim_id);
CREATE TEMP TABLE x_bad_dx AS
  SELECT claim_id, min(code) AS code FROM x_claim_codes
  WHERE kind = 'dx' AND NOT (
    code GLOB '[A-Z][0-9][0-9]'
    OR (code GLOB '[A-Z][0-9][0-9].?*' AND length(code) <= 11
        AND substr(code, 5) NOT GLOB '*[^0-9A-Za-z]*'))
  GROUP BY claim_id;
CREATE UNIQUE INDEX temp.x_bad_dx_id ON x_bad_dx (claim_id);
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
         substr(main_diagnosis, 1, 3) AS dx_category, julianday(admission_date) AS day
  FROM claims WHERE patient_id IN (SELECT patient_id FROM x_patients);
CREATE INDEX temp.x_visits_patient ON x_visits (patient_id, visit_type, day);
CREATE TEMP TABLE x_during AS
  SELECT o.claim_id, min(i.claim_id) AS stay
  FROM x_claims o JOIN x_visits i ON i.patient_id = o.patient_id
   AND i.visit_type = 'inpatient' AND i.day < julianday(o.admission_date)
   AND julianday(o.admission_date) < julianday(i.discharge_date)
  WHERE o.visit_type IN ('outpatient', 'chronic_outpatient', 'pharmacy')
    AND i.discharge_date IS NOT NULL
  GROUP BY o.claim_id;
CREATE UNIQUE INDEX temp.x_during_id ON x_during (claim_id);
"""


def _window_rank(types: str, days: int) -> str:
    """The visit's position among the patient's visits of these types in a trailing window."""
    return f"""
    CASE WHEN c.visit_type IN ({types}) THEN (
      SELECT count(*) FROM x_visits v
      WHERE v.patient_id = c.patient_id AND v.visit_type IN ({types})
        AND v.day BETWEEN julianday(c.admission_date) - {days - 1} AND julianday(c.admission_date)
        AND (v.day < julianday(c.admission_date) OR v.claim_id <= c.claim_id)) END"""


def _prefixed(column: str, prefixes: object) -> str:
    """SQL true when ``column`` starts with one of ``prefixes`` (a rule parameter's list)."""
    if isinstance(prefixes, str):
        prefixes = [p for p in prefixes.split(";")]
    tests = [
        f"substr({column}, 1, {len(p)}) = '{p.replace(chr(39), chr(39) * 2)}'"
        for p in (str(p).strip() for p in (prefixes or []))
        if p
    ]
    return "(" + " OR ".join(tests) + ")" if tests else "0"


def claim_facts(params: dict) -> str:
    """The claim facts' SQL; the split-stay exemptions are the rule parameter's prefixes."""
    return CLAIM_FACTS.replace(
        "{split_stay_exempt}", _prefixed("c.main_diagnosis", params.get("split_stay_exempt"))
    )


def features(params: dict) -> list[str]:
    """The feature steps, with the one rule parameter a step is bounded by."""
    kinds = params.get("max_drug_kinds", 5)
    kinds = int(kinds) if isinstance(kinds, int | float) and not isinstance(kinds, bool) else 5
    return [sql.replace("{max_drug_kinds}", str(kinds)) for sql in FEATURES]


CLAIM_FACTS = f"""
SELECT c.claim_id, c.patient_id, c.gender, c.insurance_type, c.visit_type, c.institution_code,
  c.dept_code, c.doctor_id, c.admission_date, c.discharge_date, c.main_diagnosis,
  substr(c.main_diagnosis, 1, 3) AS main_dx_category,
  c.main_procedure, c.discharge_status,
  c.total_amount / 1e4 AS total_amount, c.fund_paid / 1e4 AS fund_paid,
  c.personal_paid / 1e4 AS personal_paid,
  {AGE_YEARS.format(d="c.admission_date")} AS age_years,
  {AGE_DAYS.format(d="c.admission_date")} AS age_days,
  CASE WHEN c.visit_type = 'inpatient' AND c.discharge_date IS NOT NULL
       THEN max(1, CAST(julianday(c.discharge_date) - julianday(c.admission_date) AS INTEGER))
  END AS los,
  CASE WHEN c.visit_type = 'inpatient' AND c.discharge_date IS NOT NULL
       THEN max(0, CAST(julianday(c.discharge_date) - julianday(c.admission_date) AS INTEGER)
                   - 1 - coalesce(a.active_days, 0))
  END AS idle_days,
  i.level AS institution_level, i.public AS institution_public,
  coalesce(a.lines_total, 0) / 1e4 AS lines_total,
  abs(c.total_amount - coalesce(a.lines_total, 0)) / 1e4 AS total_diff,
  CASE WHEN c.fund_paid IS NOT NULL AND c.personal_paid IS NOT NULL
       THEN abs(c.fund_paid + c.personal_paid - c.total_amount) / 1e4 END AS paid_diff,
  (c.discharge_date IS NOT NULL AND c.discharge_date < c.admission_date) AS discharge_before_admission,
  coalesce(a.surgery_lines, 0) AS surgery_lines,
  coalesce(a.exam_amount, 0) / 1e4 AS exam_amount,
  (c.main_procedure IS NOT NULL OR c.other_procedures IS NOT NULL) AS has_procedure,
  bd.code AS bad_diagnosis_code,
  (c.main_diagnosis GLOB '[V-Y][0-9][0-9]*'
   AND substr(c.main_diagnosis, 1, 3) BETWEEN 'V01' AND 'Y98') AS main_dx_external_cause,
  {{split_stay_exempt}} AS split_stay_exempt_dx,
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
  CASE WHEN c.visit_type = 'inpatient' AND c.main_diagnosis IS NOT NULL THEN (
    SELECT CAST(c.day - max(julianday(v.discharge_date)) AS INTEGER) FROM x_visits v
    WHERE v.patient_id = c.patient_id AND v.visit_type = 'inpatient'
      AND v.claim_id <> c.claim_id AND v.dx_category = substr(c.main_diagnosis, 1, 3)
      AND v.discharge_date IS NOT NULL AND julianday(v.discharge_date) <= c.day
      AND v.day <= c.day) END AS days_since_prev_discharge,
  CASE WHEN c.visit_type IN ('outpatient', 'chronic_outpatient') THEN (
    SELECT CAST(min(v.day) - c.day AS INTEGER) FROM x_visits v
    WHERE v.patient_id = c.patient_id AND v.visit_type = 'inpatient'
      AND v.institution_code = c.institution_code AND v.day > c.day) END
    AS days_to_next_admission,
  dr.stay AS during_stay_of,
  {_window_rank("'outpatient', 'chronic_outpatient'", 30)} AS outpatient_visits_30d,
  {_window_rank("'pharmacy'", 30)} AS pharmacy_visits_30d,
  {_window_rank("'inpatient'", 365)} AS admissions_365d,
  d.payment_method AS dip_payment_method, d.group_code AS dip_group, d.case_type AS dip_case_type,
  d.avg_los AS dip_avg_los, d.ratio AS dip_ratio, d.procedure_kind AS main_procedure_kind
FROM (SELECT x_claims.*, julianday(admission_date) AS day FROM x_claims) c
LEFT JOIN institutions i ON i.institution_code = c.institution_code
LEFT JOIN x_claim_agg a ON a.claim_id = c.claim_id
LEFT JOIN x_bad_dx bd ON bd.claim_id = c.claim_id
LEFT JOIN x_during dr ON dr.claim_id = c.claim_id
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
        "idle_days",
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

# Claims and amount shares by institution (ZB indicators), from the claims' sums in
# x_claim_agg; the claim count decides who is a peer.
INSTITUTION_SHARES = """
SELECT c.institution_code, count(*) AS claims, sum(coalesce(a.lines_total, 0)) AS total,
  sum(a.drug), sum(a.exam), sum(a.consumable), sum(a.treatment), sum(a.ct), sum(a.mri)
FROM x_claims c LEFT JOIN x_claim_agg a ON a.claim_id = c.claim_id
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

#: The scripts ``Enricher.prepare`` runs before the features (``features``) and after them.
SETUP = (PATIENTS, REFUNDS, PREFIXES, FEATURE_TABLE, DIP_TABLE)
FINISH = (FEATURE_MERGE, CLAIM_STEPS, GENERIC_DAILY)
#: Every TEMP table a part makes: its copies, and those the scripts create, read from them
#: (``Enricher.cleanup`` drops these).
TEMP_TABLES = tuple(f"x_{table}" for table in PART_COPIES) + tuple(
    re.findall(r"CREATE TEMP TABLE (\w+)", "".join(SETUP + FINISH))
)

"""Who answers for a finding (accountability.md): the doctor and department it is attributed to.

A line finding takes the line's own doctor_id / dept_code (开单医师, 开单科室), else the
claim's; a claim finding the claim's; an institution finding none. Each of the two is chosen
on its own, and an empty value stays empty (such a finding counts for its department and its
institution only). Attribution is stored on the finding when its run is stored, and filled
once for the findings of a workspace written before it existed. (It imports nothing of the
engine: ``engine.findings`` and ``engine.workspace`` use it, the ledger reads what it stored.)
"""

from __future__ import annotations

import sqlite3

# Claim and institution findings have no line_no, so the line lookups give NULL for them and
# the claim's value (or, without a claim, nothing) is taken.
_ATTRIBUTE = """
UPDATE findings SET
  doctor_id = coalesce(
    (SELECT nullif(l.doctor_id, '') FROM lines l
      WHERE l.claim_id = findings.claim_id AND l.line_no = findings.line_no),
    (SELECT nullif(c.doctor_id, '') FROM claims c WHERE c.claim_id = findings.claim_id)),
  dept_code = coalesce(
    (SELECT nullif(l.dept_code, '') FROM lines l
      WHERE l.claim_id = findings.claim_id AND l.line_no = findings.line_no),
    (SELECT nullif(c.dept_code, '') FROM claims c WHERE c.claim_id = findings.claim_id))
WHERE scope != 'institution' AND claim_id IS NOT NULL
"""


def attribute_run(conn: sqlite3.Connection, run_id: str) -> None:
    """Attribute the findings of one run (call inside the transaction that stores them)."""
    conn.execute(_ATTRIBUTE + " AND run_id = ?", (run_id,))


def attribute_unattributed(conn: sqlite3.Connection) -> None:
    """Attribute the findings of an older workspace, from their claims and lines (an
    ``UPGRADE_3_STEPS`` data fill)."""
    conn.execute(_ATTRIBUTE + " AND doctor_id IS NULL AND dept_code IS NULL")

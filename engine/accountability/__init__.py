"""Person-level accountability (accountability.md): who answers for each finding, and the
doctors' yearly points, status and evidence, per doctor and per department.

- ``engine.attribution`` (beside this package: storing a run's findings uses it): the doctor
  and department stored on every finding;
- ``points``: a rule's points and the thresholds (rule parameters a region can change);
- ``ledger``: the ledger computed from the current decisions (``for_workspace``, ``compute``).
"""

from engine.accountability.ledger import Ledger, compute, for_workspace
from engine.accountability.points import STATUSES, Thresholds, consequence, rule_points

__all__ = [
    "STATUSES",
    "Ledger",
    "Thresholds",
    "compute",
    "consequence",
    "for_workspace",
    "rule_points",
]

"""Text that leaves the machine in cells (xlsx reports, CSV exports) can never act as a formula.

Claim data, institution and reviewer names and comments are text from outside: written as
they are, ``=HYPERLINK(…)``, ``=WEBSERVICE(…)`` or a DDE ``cmd|…`` would run when an analyst
opens the file. An xlsx text cell is always stored as text (``xlsx_text`` also replaces the
control characters the format cannot hold). A CSV has no types, so a cell a spreadsheet would
read as a formula gets a leading ``'`` (``csv_text``), unless the caller asks for the raw data.
"""

from __future__ import annotations

import re

# What a spreadsheet reads as the start of a formula (tab and CR too, which some strip first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# The characters XML 1.0 (and so xlsx) cannot hold: C0 controls other than tab, LF and CR.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(value: str) -> str:
    """``value`` as a CSV cell that no spreadsheet runs: a leading ``'`` where it would start
    a formula. A plain number (``-12.50``) is data, never a formula, and is left alone."""
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    """``value`` with the control characters an xlsx cannot hold shown as U+FFFD."""
    return _ILLEGAL_XML.sub("\ufffd", value)

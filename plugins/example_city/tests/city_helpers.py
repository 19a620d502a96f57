"""Shared by the example city's tests: where things are, and adding a claim to a package."""

from pathlib import Path

PLUGIN = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "data" / "sample"

CLAIM = (
    "{id},{patient},1,1970-01-01,employee,{visit},{inst},IM,D1,{admission},{discharge},{dx},,,,"
    "{status},{total},{fund},{personal},{admission},\n"
)


def add_claim(package: Path, claim_id: str, lines: list[tuple], **fields) -> None:
    """Append one claim and its lines (item, quantity, price) to a package's CSV files."""
    values = dict(
        id=claim_id,
        patient="PX" + claim_id,
        visit="outpatient",
        inst="H001",
        admission="2025-06-02",
        discharge="",
        dx="J06.900",
        status="",
    )
    values.update(fields)
    total = sum(q * p for _, q, p in lines)
    values.update(total=total, fund=round(total * 0.75, 2), personal=round(total * 0.25, 2))
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(CLAIM.format(**values))
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        for no, (code, qty, price) in enumerate(lines, start=1):
            handle.write(
                f"{claim_id},{no},{code},,{values['admission']} 10:00,,{qty},{price},"
                f"{qty * price},,,,\n"
            )

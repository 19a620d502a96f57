"""Fact fields the city computes in Python: the “两病” (hypertension, diabetes) drug check."""

from __future__ import annotations

# ATC prefixes of the drugs each disease's outpatient scheme covers, and its ICD-10 prefixes.
TWO_DISEASES = {
    "高血压": (("C02", "C03", "C07", "C08", "C09"), ("I10", "I11", "I12", "I13", "I15")),
    "糖尿病": (("A10",), ("E10", "E11", "E12", "E13", "E14")),
}


def diagnoses(fact: dict) -> list[str]:
    listed = fact.get("secondary_diagnoses") or ""
    return [c for c in [fact.get("main_diagnosis") or "", *listed.split(";")] if c]


def two_disease_gap(fact: dict) -> str | None:
    """The disease a two-disease drug treats when the visit has no diagnosis of it, else None."""
    atc = fact.get("atc_code") or ""
    if fact.get("item_type") != "drug" or not atc:
        return None
    codes = diagnoses(fact)
    for disease, (atc_prefixes, icd_prefixes) in TWO_DISEASES.items():
        if atc.startswith(atc_prefixes):
            if any(code.startswith(icd_prefixes) for code in codes):
                return None
            return disease
    return None

"""What a finding's message shows: coded fact values as words, and an item's name by its code.

A rule's message template names fact fields (``本次险种为{insurance_type}``). Before it is
rendered, the coded fields are replaced by their words in the message's language from
``engine.labels`` (职工医保 / employee insurance), lists read as lists (住院、门诊), and every field
that holds another item's code gets a ``<field>_name`` beside it, so a template can show
``{included_in_name}（{included_in}）``.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.labels import FIELD_KINDS, label, labels

LIST_FIELDS = {"restrict_visit_type": "visit_type"}
PLAIN_LISTS = ("restrict_diagnoses", "restrict_depts", "secondary_diagnoses", "other_procedures")
# fields holding the code of another catalogue item
ITEM_CODE_FIELDS = (
    "included_in",
    "bundled_with",
    "requires_missing",
    "interacts_with",
    "herbal_conflict_with",
)


def derived(columns: set[str]) -> set[str]:
    """The fields ``worded`` adds to facts with these columns (a template may name them)."""
    return {f"{name}_name" for name in ITEM_CODE_FIELDS if name in columns}


def overrides(fact: dict, lang: str, item_name: Callable[[str], str | None]) -> dict:
    """The fields of ``fact`` a message of language ``lang`` shows otherwise (always the
    same keys for one fact, whatever the language)."""
    out = {}
    for name, kind in FIELD_KINDS.items():
        if name in fact:
            out[name] = label(kind, fact[name], lang)
    for name, kind in LIST_FIELDS.items():
        if name in fact:
            out[name] = labels(kind, fact[name], lang)
    joiner = ", " if lang == "en" else "、"
    for name in PLAIN_LISTS:
        if isinstance(fact.get(name), str):
            out[name] = joiner.join(p.strip() for p in fact[name].split(";") if p.strip())
    for name in ITEM_CODE_FIELDS:
        code = fact.get(name)
        if code is not None:
            out[f"{name}_name"] = item_name(str(code)) or str(code)
    return out


def worded(fact: dict, lang: str, item_name: Callable[[str], str | None]) -> dict:
    """A copy of ``fact`` to render a message of language ``lang`` from."""
    return {**fact, **overrides(fact, lang, item_name)}


def catalogue_names(conn) -> Callable[[str], str | None]:
    """An item's name by its code, read from the catalogue once, when first asked."""
    names: dict[str, str | None] = {}

    def lookup(code: str) -> str | None:
        if not names:
            names.update(conn.execute("SELECT item_code, item_name FROM catalogue"))
            names.setdefault("", None)
        return names.get(code)

    return lookup

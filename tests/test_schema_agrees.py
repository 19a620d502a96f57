"""The interchange contract (engine/contract.py) and the workspace tables (engine/models.py)
describe the same columns: a column added to one and not the other fails here."""

import pytest
from sqlalchemy import Integer
from sqlmodel import SQLModel

import engine.models  # noqa: F401 — the tables register themselves
from engine import contract

#: How each contract type is stored: decimals as integers of 1/10000 (engine.money).
STORED_AS = {
    contract.STR: "text",
    contract.LIST: "text",
    contract.DATE: "text",
    contract.DATETIME: "text",
    contract.INT: "integer",
    contract.DEC: "integer",
}
#: Columns of the workspace tables that are not in a data package.
WORKSPACE_ONLY = {"extra", "id", "source"}


@pytest.mark.parametrize("table", contract.ALL_TABLES, ids=lambda t: t.name)
def test_contract_and_model_have_the_same_columns(table):
    model = SQLModel.metadata.tables[table.name]
    stored = [c for c in model.columns if c.name not in WORKSPACE_ONLY]
    assert [c.name for c in stored] == table.column_names
    for column in table.columns:
        m = model.columns[column.name]
        kind = "integer" if isinstance(m.type, Integer) else "text"
        assert kind == STORED_AS[column.type], column.name
        assert m.nullable is not column.required, column.name
    keys = [c.name for c in model.primary_key.columns if c.name not in WORKSPACE_ONLY]
    assert not keys or tuple(keys) == table.key

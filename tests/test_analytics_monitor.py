"""The fund monitor (analytics.md §5) on a hand-made two-year series."""

import json

import pytest

from engine.analytics.monitor import monitor
from engine.dip.settlement import settle
from engine.plugins import load_plugins
from tests.analytics_region import PARAMS, claim, make_workspace


def _stays(prefix, inst, year, month, n):
    # A01.0-CONS cases: cost 1000, fund 800 → 100 points each (rw 100, c 1.0, ratio 1)
    day = f"{year}-{month:02d}"
    return [
        claim(
            f"{prefix}{i}", inst, "inpatient", f"{day}-01", f"{day}-06", "A01.000", 1000, 800, 1000
        )
        for i in range(n)
    ]


SERIES = [
    *_stays("A", "H1", 2024, 1, 2),
    *_stays("B", "H1", 2024, 6, 2),
    *_stays("C", "H2", 2024, 12, 4),
    *_stays("D", "H1", 2025, 1, 3),
    *_stays("E", "H2", 2025, 6, 3),
    claim("O1", "H9", "outpatient", "2024-01-10", "", "J06.900", 125, 100, 125),
    claim("O2", "H9", "outpatient", "2025-01-10", "", "J06.900", 143.75, 115, 143.75),
]


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    plugins = load_plugins()
    ws = make_workspace(tmp_path_factory.mktemp("monitor"), doctors=[], extra_claims=SERIES)
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO dip_params (year, params) VALUES (2024, ?)",
            (json.dumps(PARAMS | {"year": 2024, "fund_budget": 64000}),),
        )
    yield ws, plugins
    ws.close()


def test_monthly_expenditure_growth_and_warning(series):
    ws, plugins = series
    out = monitor(ws, 2025, plugins=plugins)["expenditure"]
    assert out["through_month"] == 6
    jan = out["months"][0]
    # January: 2025 3 × 800 + 115 = 2515 against 2024 2 × 800 + 100 = 1700 → +47.94 %
    assert jan["fund_paid"] == 2515 and jan["last_year_fund_paid"] == 1700
    assert jan["growth"] == pytest.approx(2515 / 1700 - 1, abs=1e-6)
    assert jan["claims"] == 4 and jan["patients"] == 4 and jan["per_claim"] == 628.75
    outpatient = jan["by_visit_type"]["outpatient"]
    assert outpatient["growth"] == pytest.approx(0.15)  # 115 / 100
    assert out["months"][1]["growth"] is None  # February: nothing either year
    # year to date, January–June only: 2515 + 2400 = 4915 against 1700 + 1600 = 3300
    # (2024's December is not compared) → +48.94 % > 10 % → warning
    assert out["year_to_date"]["growth"] == pytest.approx(4915 / 3300 - 1, abs=1e-6)
    assert out["warning"] is True
    # each visit type's own: inpatient 4800 / 3200 = +50 %, outpatient 115 / 100 = +15 %
    assert out["visit_type_warnings"] == ["inpatient", "outpatient"]


def test_point_value_forecast_against_last_year(series):
    ws, plugins = series
    out = monitor(ws, 2025, plugins=plugins)["budget"]
    # 2024: 800 points, 400 of them by June → share 0.5; 2025 to June: 600 points →
    # forecast 600 / 0.5 = 1200 points. φ = 4800 / 6000 = 0.8.
    # forecast point value = 60000 / 0.8 / 1200 = 62.5; 2024 settled: 64000 / 0.8 / 800 = 100
    # → change −37.5 %, below 0.9 × 100 → warning
    assert out["through_month"] == 6 and out["method"] == "last_year_share"
    assert out["points_to_date"] == 600 and out["last_year_share_to_date"] == 0.5
    assert out["forecast_points"] == 1200
    assert out["forecast_point_value"] == pytest.approx(62.5)
    assert out["last_year_point_value"] == pytest.approx(100)
    assert out["change"] == pytest.approx(-0.375)
    assert out["warning"] is True
    assert out["cumulative_points"]["last_year"][5] == 400


def test_linear_forecast_without_last_year(series):
    ws, plugins = series
    out = monitor(ws, 2024, plugins=plugins)["budget"]
    # 2023 has no DIP case: 800 points through December × 12 / 12 = 800 → 64000 / 0.8 / 800
    assert out["method"] == "linear" and out["forecast_points"] == 800
    assert out["forecast_point_value"] == pytest.approx(100)
    assert out["last_year_point_value"] is None and out["warning"] is False


def test_last_a_stored_settlement_of_last_year_is_read_back(series):
    # last in this file: it changes 2024's parameters
    ws, plugins = series
    # the test above settled 2024 on the spot (nothing stored); a stored run is read instead
    assert ws.conn.execute("SELECT count(*) FROM runs WHERE kind = 'settle'").fetchone()[0] == 0
    settle(ws, 2024, plugins=plugins, cases=False)
    with ws.transaction() as conn:  # settled now, 2024 would be 80000 / 0.8 / 800 = 125
        conn.execute(
            "UPDATE dip_params SET params = ? WHERE year = 2024",
            (json.dumps(PARAMS | {"year": 2024, "fund_budget": 80000}),),
        )
    out = monitor(ws, 2025, plugins=plugins)["budget"]
    assert out["last_year_point_value"] == pytest.approx(100)

"""The enrichment's TEMP tables are listed once (``enrich_sql.TEMP_TABLES``, read from the
scripts it runs): a table created anywhere else in a run, or one the list misses, fails here
because ``cleanup`` would leave it behind for the next part on the same connection."""

from engine.dip.params import resolve_params
from engine.rules import enrich_sql
from engine.rules.enrich import Enricher

TEMP = "SELECT type, name FROM sqlite_temp_master WHERE type IN ('table', 'view')"


def test_cleanup_drops_every_temp_table_prepare_made(sample_ws):
    conn = sample_ws.conn
    assert conn.execute(TEMP).fetchall() == []
    enricher = Enricher(conn, resolve_params(sample_ws, None), "official")
    enricher.prepare()
    made = {name for kind, name in conn.execute(TEMP) if kind == "table"}
    assert made == set(enrich_sql.TEMP_TABLES)
    # the DIP step filled its table: the sample's inpatient stays were scored
    assert conn.execute("SELECT count(*) FROM x_dip").fetchone()[0] > 0
    enricher.cleanup()
    assert conn.execute(TEMP).fetchall() == []

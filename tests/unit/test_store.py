"""The store: migrations, the data version, append-only observations, district figures."""

import duckdb
import pandas as pd
import pytest

from indicators import store

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends


def test_new_database_gets_every_migration(tmp_path):
    con = store.connect(tmp_path / "new.duckdb")
    assert store.schema_version(con) == store.MIGRATIONS[-1][0]


def test_older_database_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    store.migrate(old, store.MIGRATIONS[:1])
    old.execute("INSERT INTO organisation VALUES ('acme', 'Acme Oy', false)")
    old.close()

    con = store.connect(path)

    assert store.schema_version(con) == store.MIGRATIONS[-1][0]
    assert store.organisations(con)["id"].tolist() == ["acme"]


def test_migrating_twice_changes_nothing(tmp_path):
    con = store.connect(tmp_path / "db.duckdb")
    assert store.migrate(con) == []


def test_every_write_bumps_the_data_version(empty_con):
    before = store.data_version(empty_con)
    store.add_reference(
        empty_con, organisations=pd.DataFrame([{"id": "acme", "name": "Acme", "synthetic": False}])
    )
    assert store.data_version(empty_con) == before + 1


def test_failed_write_leaves_nothing_behind(empty_con):
    before = store.data_version(empty_con)
    with pytest.raises(RuntimeError), store.transaction(empty_con) as cur:
        cur.execute("INSERT INTO organisation VALUES ('acme', 'Acme', false)")
        raise RuntimeError("power cut")
    assert store.organisations(empty_con).empty
    assert store.data_version(empty_con) == before


def test_read_only_database_refuses_writes(tmp_path):
    path = tmp_path / "db.duckdb"
    store.connect(path).close()
    con = store.connect(path, read_only=True)
    with pytest.raises(store.ReadOnlyError), store.transaction(con):
        pass


def _observation(**values):
    row = dict.fromkeys(store.OBSERVATION_COLUMNS)
    row.update(breakdown="", series="", synthetic=False)
    row.update(values)
    return row


def _load(con, rows, name, status="approved"):
    return store.load_observations(
        con, pd.DataFrame(rows), file_name=name, sha256=name, submitted_by="t", status=status
    )


def test_ratio_district_figure_is_sum_of_numerators_over_sum_of_denominators(demo_con):
    rows = [
        _observation(
            indicator="excavated_material_reused",
            district_id="espoo-kera",
            project_id=p,
            period="2024",
            year=2024,
            numerator=n,
            denominator=d,
            value=n / d * 100,
        )
        for p, n, d in [("p1", 90.0, 100.0), ("p2", 100.0, 1000.0)]
    ]
    _load(demo_con, rows, "ratio")
    series = store.district_series(
        demo_con, indicator="excavated_material_reused", district="espoo-kera"
    )
    # (90 + 100) / (100 + 1000) = 17.27 %, not the mean of 90 % and 10 % (50 %)
    assert series["value"].iloc[0] == pytest.approx(17.2727, abs=1e-3)


def test_approved_correction_supersedes_and_history_stays(demo_con):
    key = dict(indicator="residents", district_id="espoo-kera", period="2024", year=2024)
    _load(demo_con, [_observation(value=100.0, **key)], "first")
    second = _load(demo_con, [_observation(value=120.0, **key)], "second", status="pending")

    def shown():
        s = store.district_series(demo_con, indicator="residents", district="espoo-kera")
        return s.loc[s["year"] == 2024, "value"].tolist()

    assert shown() == [100.0]
    store.review_submission(demo_con, second, approve=True, reviewer="o", comment=None)
    assert shown() == [120.0]
    history = store.observations_for_export(demo_con, published_only=False)
    assert sorted(
        history.query("indicator == 'residents' and district == 'espoo-kera'")["value"]
    ) == [100.0, 120.0]


def test_pending_figures_are_hidden_unless_asked_for(demo_con):
    key = dict(indicator="residents", district_id="espoo-kera", period="2023", year=2023)
    _load(demo_con, [_observation(value=50.0, **key)], "pending-only", status="pending")
    public = store.district_series(demo_con, indicator="residents", district="espoo-kera")
    official = store.district_series(
        demo_con, indicator="residents", district="espoo-kera", include_pending=True
    )
    assert 2023 not in public["year"].tolist()
    assert official.loc[official["year"] == 2023, "pending"].tolist() == [True]

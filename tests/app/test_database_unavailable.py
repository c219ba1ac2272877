"""A public site whose database file is missing, or was written by an older version of the
app, says so in plain words instead of showing a failure, and the CLI says what to do."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from indicators import cli, store
from tests.app.conftest import ROOT


def _public_site(monkeypatch, db) -> AppTest:
    monkeypatch.setenv("INDICATORS_PUBLIC", "1")
    monkeypatch.setenv("INDICATORS_DB", str(db))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.user = {"is_logged_in": False}
    at.query_params["lang"] = "fi"
    at.run()
    return at


def _outdated(path):
    with store.connect(path, read_only=False) as con:
        # as if the newest migration had never run
        con.execute(
            "DELETE FROM schema_migration WHERE version = (SELECT max(version) FROM schema_migration)"
        )
    return path


def test_a_public_site_without_its_database_says_the_figures_cannot_be_shown(monkeypatch, tmp_path):
    at = _public_site(monkeypatch, tmp_path / "missing.duckdb")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Lukuja ei voi näyttää juuri nyt: sivuston tietokanta puuttuu tai on sovelluksen"
        " vanhemman version kirjoittama. Palvelimen loki kertoo kumpi, ja mitä tehdä."
    ]
    assert not (tmp_path / "missing.duckdb").exists()


def test_a_public_site_on_an_older_database_says_so_instead_of_failing(monkeypatch, tmp_path):
    at = _public_site(monkeypatch, _outdated(tmp_path / "old.duckdb"))
    assert not at.exception
    assert len(at.error) == 1 and "vanhemman version" in at.error[0].value


def test_the_cli_on_an_older_public_database_says_what_to_do(monkeypatch, tmp_path, capsys):
    db = _outdated(tmp_path / "old.duckdb")
    monkeypatch.setenv("INDICATORS_PUBLIC", "1")
    assert cli.main(["--db", str(db), "stats"]) == 1
    assert "publish a new snapshot" in capsys.readouterr().err

"""The `rapport` command against a real database file (committed data, like a user's)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rapport.cli import app
from rapport.config import get_settings

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RAPPORT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def rapport(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def demo(data_dir: Path) -> Path:
    code, out = rapport("demo")
    assert code == 0, out
    return data_dir


def test_demo_prints_the_logins_and_running_it_twice_leaves_one_demo(demo: Path) -> None:
    code, out = rapport("demo")
    assert code == 0 and "owner@lakeside.example" in out and "lakeside-madison" in out
    code, out = rapport("workspace", "list", "--json")
    slugs = [w["slug"] for w in json.loads(out)]
    assert slugs == ["lakeside-madison", "lakeside-utrecht"]


def test_token_create_prints_a_token_once(demo: Path) -> None:
    code, out = rapport(
        "token",
        "create",
        "--workspace",
        "lakeside-madison",
        "--role",
        "analyst",
        "--name",
        "report",
    )
    assert code == 0 and out.strip().startswith("rpt_")
    code, out = rapport(
        "token", "create", "--workspace", "nope", "--role", "analyst", "--name", "x"
    )
    assert code == 1 and "No workspace" in out
    code, out = rapport(
        "token", "create", "--workspace", "lakeside-madison", "--role", "boss", "--name", "x"
    )
    assert code == 1 and "is not a role" in out


def test_user_create_refuses_a_short_password(data_dir: Path) -> None:
    code, out = rapport(
        "user", "create", "--email", "a@example.com", "--name", "A", "--password", "short"
    )
    assert code == 1 and "too short" in out


def test_audit_verify_names_the_first_broken_link(demo: Path) -> None:
    assert rapport("audit", "verify")[0] == 0
    with sqlite3.connect(demo / "rapport.db") as conn:
        conn.execute("UPDATE audit_event SET summary = '{}' WHERE seq = 3 AND workspace_id = 1")
    code, out = rapport("audit", "verify")
    assert code == 1 and "BROKEN" in out and "event 3" in out


def test_backup_and_restore_bring_the_data_back(demo: Path) -> None:
    archive = demo / "b.tar.gz"
    assert rapport("backup", str(archive))[0] == 0
    with sqlite3.connect(demo / "rapport.db") as conn:
        conn.execute("DELETE FROM workspace WHERE slug = 'lakeside-utrecht'")
    code, out = rapport("restore", str(archive), "--yes")
    assert code == 0, out
    code, out = rapport("workspace", "list", "--json")
    assert len(json.loads(out)) == 2


def test_restore_refuses_a_file_that_is_not_a_backup(demo: Path) -> None:
    bogus = demo / "bogus.tar.gz"
    bogus.write_bytes(b"this is not an archive")
    code, out = rapport("restore", str(bogus), "--yes")
    assert code == 1 and "not a Rapport backup" in out
    assert len(json.loads(rapport("workspace", "list", "--json")[1])) == 2


def test_export_writes_json_and_csv_without_secrets(demo: Path) -> None:
    target = demo / "export.zip"
    code, out = rapport("export", "--workspace", "lakeside-madison", "--out", str(target))
    assert code == 0, out
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert "json/workspace.json" in names and "csv/audit_event.csv" in names
        tokens = json.loads(archive.read("json/api_token.json"))
        assert tokens and all("token_hash" not in t for t in tokens)


def test_a_bad_setting_stops_with_one_message(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAPPORT_DEFAULT_TIMEZONE", "Nowhere/Land")
    get_settings.cache_clear()
    code, out = rapport("workspace", "list")
    assert code == 2 and "RAPPORT_DEFAULT_TIMEZONE" in out


def test_guard_check_uses_the_workspace_context(demo: Path) -> None:
    text = "Questions? Call us at (608) 555-0142."
    plain = runner.invoke(app, ["guard", "check", "--json", text])
    ours = runner.invoke(app, ["guard", "check", "--json", "--workspace", "lakeside-madison", text])
    assert json.loads(plain.output)["findings"], "an unknown number is flagged without context"
    assert ours.exit_code == 0 and json.loads(ours.output) == {"verdict": "ok", "findings": []}


def test_guard_check_names_an_unknown_workspace(demo: Path) -> None:
    result = runner.invoke(app, ["guard", "check", "--workspace", "nope", "hello"])
    assert result.exit_code == 64 and "No workspace" in result.output

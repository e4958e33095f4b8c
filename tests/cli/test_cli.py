"""The `rapport` command against a real database file (committed data, like a user's)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
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
    assert code == 78 and "RAPPORT_DEFAULT_TIMEZONE" in out


def test_guard_check_uses_the_workspace_context(demo: Path) -> None:
    text = "Questions? Call us at (608) 555-0142."
    plain = runner.invoke(app, ["guard", "check", "--json", text])
    ours = runner.invoke(app, ["guard", "check", "--json", "--workspace", "lakeside-madison", text])
    assert json.loads(plain.output)["findings"], "an unknown number is flagged without context"
    assert ours.exit_code == 0 and json.loads(ours.output) == {"verdict": "ok", "findings": []}


def test_guard_check_names_an_unknown_workspace(demo: Path) -> None:
    result = runner.invoke(app, ["guard", "check", "--workspace", "nope", "hello"])
    assert result.exit_code == 64 and "No workspace" in result.output


# --- set-up problems: one or two lines with the fix, a sysexits code, never a traceback -----

CLOSED_PORT_URL = "postgresql+psycopg://rapport:pw-not-to-print@127.0.0.1:1/rapport"


def run_rapport(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real `rapport` command in a subprocess, with only the RAPPORT_ settings given."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    return subprocess.run(
        [sys.executable, "-m", "rapport", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_clear_message(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize("command", [["serve"], ["db", "upgrade"], ["workspace", "list"]])
def test_an_unreachable_database_is_one_line_naming_the_address_and_the_fix(
    tmp_path: Path, command: list[str]
) -> None:
    env = {"RAPPORT_DATABASE_URL": CLOSED_PORT_URL, "RAPPORT_DATA_DIR": str(tmp_path)}
    result = run_rapport(*command, env=env, cwd=tmp_path)
    assert result.returncode == 69
    assert_one_clear_message(
        result, "127.0.0.1:1", "connection refused", "Start PostgreSQL", "RAPPORT_DATABASE_URL"
    )
    assert "pw-not-to-print" not in result.stderr + result.stdout


def test_production_without_a_secret_key_says_which_setting(tmp_path: Path) -> None:
    env = {"RAPPORT_ENV": "production", "RAPPORT_DATA_DIR": str(tmp_path)}
    result = run_rapport("serve", "--port", "1", env=env, cwd=tmp_path)
    assert result.returncode == 78
    assert_one_clear_message(result, "RAPPORT_SECRET_KEY", "RAPPORT_SECRET_KEY_FILE")


@pytest.mark.parametrize("command", [["serve"], ["db", "upgrade"]])
def test_an_unusable_data_directory_names_it_and_the_fix(
    tmp_path: Path, command: list[str]
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a directory")
    env = {"RAPPORT_DATA_DIR": str(in_the_way / "data")}
    result = run_rapport(*command, env=env, cwd=tmp_path)
    assert result.returncode == 73
    assert_one_clear_message(result, str(in_the_way / "data"), "RAPPORT_DATA_DIR")


def test_a_setting_that_is_not_valid_is_one_line_with_exit_code_78(tmp_path: Path) -> None:
    env = {"RAPPORT_BASE_URL": "javascript:alert(1)", "RAPPORT_DATA_DIR": str(tmp_path)}
    result = run_rapport("workspace", "list", env=env, cwd=tmp_path)
    assert result.returncode == 78
    assert_one_clear_message(result, "RAPPORT_BASE_URL")


def test_the_worker_waits_for_an_unreachable_database_quietly(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    env = {**clean, "RAPPORT_DATABASE_URL": CLOSED_PORT_URL, "RAPPORT_DATA_DIR": str(tmp_path)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "rapport", "worker", "--concurrency", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    assert "running" in worker.stdout.readline()  # it started; now let it retry for a while
    time.sleep(6)
    worker.send_signal(signal.SIGTERM)
    _out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert "Traceback" not in err
    assert err.count("database unreachable at 127.0.0.1:1 (connection refused)") == 1, err
    assert len(err.strip().splitlines()) <= 5, err
    assert "pw-not-to-print" not in err


def test_a_database_without_tables_says_to_run_db_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAPPORT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RAPPORT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    result = runner.invoke(app, ["workspace", "list"])
    get_settings.cache_clear()
    assert result.exit_code == 78
    assert "has no Rapport tables yet. Run `rapport db upgrade` first." in result.output


def test_the_worker_says_once_that_the_database_is_gone_and_once_that_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    from rapport.jobs.outage import MAX_RETRY_SECONDS, DatabaseOutage

    engine = create_engine(CLOSED_PORT_URL)
    with pytest.raises(OperationalError) as refused:
        engine.connect()
    outage = DatabaseOutage(CLOSED_PORT_URL)
    caplog.set_level("INFO", logger="rapport.jobs")
    delays = [outage.failed(refused.value) for _ in range(8)]
    assert delays == [1, 2, 4, 8, 16, MAX_RETRY_SECONDS, MAX_RETRY_SECONDS, MAX_RETRY_SECONDS]
    assert outage.failed(ValueError("a bug, not an outage")) is None
    outage.succeeded()
    outage.succeeded()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert messages[0].startswith("database unreachable at 127.0.0.1:1 (connection refused)")
    assert messages[1].startswith("database at 127.0.0.1:1 reachable again")
    assert not outage.down and outage.failed(refused.value) == 1, "a new outage starts afresh"

"""`rapport demo` says where it will serve and fills the consent registry; long commands show
progress on a terminal and stay quiet in scripts.

Each command runs as a real process: once on a pseudo-terminal (a person watching), once with
pipes (a script, cron, CI), where neither the progress text nor terminal control codes appear.
"""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ESC = "\x1b["


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPPORT_")}
    return {**env, "RAPPORT_DATA_DIR": str(data_dir), "TERM": "xterm-256color", "COLUMNS": "120"}


def on_a_terminal(data_dir: Path, *args: str) -> tuple[int, str]:
    """Run `rapport ARGS` with stdout and stderr on a pseudo-terminal; everything it wrote."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "rapport", *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env=_env(data_dir),
        cwd=data_dir,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return process.wait(timeout=120), b"".join(chunks).decode(errors="replace")


def in_a_script(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rapport", *args],
        capture_output=True,
        text=True,
        env=_env(data_dir),
        cwd=data_dir,
        timeout=120,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("progress")


def test_demo_says_where_rapport_serve_will_listen_and_records_consents(
    tmp_path: Path,
) -> None:
    env = {**_env(tmp_path), "RAPPORT_PORT": "8765", "RAPPORT_HOST": "0.0.0.0"}
    done = subprocess.run(
        [sys.executable, "-m", "rapport", "demo"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "http://127.0.0.1:8765/login" in done.stdout
    with sqlite3.connect(tmp_path / "rapport.db") as db:
        rows = db.execute(
            "SELECT expires_on IS NOT NULL AND expires_on < date('now'), revoked_on IS NOT NULL"
            " FROM consent"
        ).fetchall()
    assert len(rows) >= 5
    assert {(0, 0), (1, 0), (0, 1)} <= set(rows), "valid, expired and revoked consents"


def test_demo_shows_its_steps_on_a_terminal(data_dir: Path) -> None:
    code, output = on_a_terminal(data_dir, "demo")
    assert code == 0, output
    # Which step labels appear depends on the display's refresh timing; the bar itself doesn't.
    assert "Creating the demo" in output
    assert "owner@lakeside.example" in output


def test_demo_in_a_script_prints_only_its_result(data_dir: Path) -> None:
    done = in_a_script(data_dir, "demo")
    assert done.returncode == 0, done.stderr
    assert "owner@lakeside.example" in done.stdout
    assert "Creating the demo" not in done.stdout + done.stderr
    assert ESC not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("export", "--workspace", "lakeside-madison", "--out", "e.zip"), "Exporting"),
        (("backup", "b.tar.gz"), "Backing up the database"),
        (("restore", "b.tar.gz", "--yes"), "Restoring the database"),
    ],
)
def test_export_backup_and_restore_show_progress_only_on_a_terminal(
    data_dir: Path, args: tuple[str, ...], shown: str
) -> None:
    code, output = on_a_terminal(data_dir, *args)
    assert code == 0, output
    assert shown in output
    quiet = in_a_script(data_dir, *args)
    assert quiet.returncode == 0, quiet.stderr
    assert shown not in quiet.stdout + quiet.stderr and ESC not in quiet.stderr

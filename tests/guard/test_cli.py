"""`rapport guard check`, driven through the Typer sub-app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from rapport.guard.cli import app

runner = CliRunner()


def test_it_exits_2_and_shows_a_table_for_a_blocked_text() -> None:
    result = runner.invoke(app, ["check", "Congrats to Emma on finishing chemo!"])
    assert result.exit_code == 2
    assert "Emma" in result.output
    assert "BLOCK" in result.output


def test_it_exits_1_for_a_warning_and_0_for_a_safe_text() -> None:
    assert runner.invoke(app, ["check", "Call 555-201-3344 to book."]).exit_code == 1
    result = runner.invoke(app, ["check", "Flu shots reduce hospital visits by 40%."])
    assert result.exit_code == 0
    assert "No findings" in result.output


def test_it_prints_json_when_asked() -> None:
    result = runner.invoke(app, ["check", "--json", "Congrats to Emma on finishing chemo!"])
    data = json.loads(result.stdout)
    assert data["verdict"] == "block"
    assert set(data["findings"][0]) == {"category", "start", "end", "text", "message", "suggestion"}


def test_it_reads_the_text_from_stdin_with_a_dash() -> None:
    result = runner.invoke(app, ["check", "--kind", "reply", "-"], input="Thanks for visiting us!")
    assert result.exit_code == 2


def test_it_refuses_empty_text_with_exit_64() -> None:
    result = runner.invoke(app, ["check", "  "])
    assert result.exit_code == 64
    assert "empty" in result.output


def test_it_refuses_a_bad_kind_or_option_with_exit_64() -> None:
    assert runner.invoke(app, ["check", "--kind", "tweet", "Hi"]).exit_code == 64
    assert runner.invoke(app, ["check", "--lang", "de", "Hi"]).exit_code == 64
    assert runner.invoke(app, ["check", "--no-such-option", "Hi"]).exit_code == 64
    assert runner.invoke(app, ["check"]).exit_code == 64


def test_it_checks_a_jsonl_file_in_order(tmp_path: Path) -> None:
    path = tmp_path / "texts.jsonl"
    lines = [
        {"id": "a", "text": "Flu shots are in!", "kind": "post"},
        {"id": "b", "text": "Thanks for visiting us!", "kind": "reply"},
        {"id": 3, "text": "Gefeliciteerd Sanne met je nieuwe heup!", "kind": "post", "lang": "nl"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--jsonl", str(path)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["id"], row["verdict"]) for row in rows] == [
        ("a", "ok"),
        ("b", "block"),
        (3, "block"),
    ]


def test_it_reads_jsonl_from_stdin() -> None:
    data = json.dumps({"id": 1, "text": "Hello there", "kind": "comment"}) + "\n"
    result = runner.invoke(app, ["check", "--jsonl", "-"], input=data)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"id": 1, "verdict": "ok", "findings": []}


def test_a_malformed_jsonl_file_prints_nothing_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": 1, "text": "fine", "kind": "post"}\n{"id": 2, "kind": "post"}\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["check", "--jsonl", str(path)])
    assert result.exit_code == 64
    assert result.stdout == ""
    assert "line 2" in result.stderr
    assert '"text"' in result.stderr


def test_invalid_json_and_bad_kinds_in_jsonl_are_malformed(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "text": "x", "kind": "tweet"}\n', encoding="utf-8")
    assert runner.invoke(app, ["check", "--jsonl", str(path)]).exit_code == 64
    path.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--jsonl", str(path)])
    assert result.exit_code == 64
    assert "line 1" in result.stderr


def test_hidden_characters_and_look_alikes_are_shown_as_findings() -> None:
    result = runner.invoke(app, ["check", "--json", "Our flu\u200bshot clinic in Аmsterdam"])
    assert result.exit_code == 1  # a warning
    categories = [f["category"] for f in json.loads(result.stdout)["findings"]]
    assert categories == ["hidden_characters", "mixed_script"]

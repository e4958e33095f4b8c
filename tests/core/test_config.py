from __future__ import annotations

import pytest

from rapport.config import ConfigError, load_settings


def test_it_names_the_setting_and_the_fix_for_a_bad_time_zone() -> None:
    with pytest.raises(ConfigError, match="RAPPORT_DEFAULT_TIMEZONE: is not an IANA time zone"):
        load_settings(default_timezone="Mars/Olympus")


def test_it_refuses_an_unsupported_database_url() -> None:
    with pytest.raises(ConfigError, match="RAPPORT_DATABASE_URL"):
        load_settings(database_url="mysql://x")


def test_it_defaults_to_a_sqlite_file_in_the_data_directory(tmp_path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'rapport.db'}"


def test_it_generates_a_private_secret_key_once(tmp_path) -> None:
    first = load_settings(data_dir=tmp_path).ensure_secret_key()
    second = load_settings(data_dir=tmp_path).ensure_secret_key()
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_it_reads_a_secret_from_a_file(tmp_path, monkeypatch) -> None:
    (tmp_path / "key").write_text("from-a-file\n")
    monkeypatch.setenv("RAPPORT_SECRET_KEY_FILE", str(tmp_path / "key"))
    assert load_settings().secret_key == "from-a-file"


def test_production_refuses_an_empty_secret_key(tmp_path) -> None:
    with pytest.raises(ConfigError, match="RAPPORT_SECRET_KEY"):
        load_settings(env="production", data_dir=tmp_path).ensure_secret_key()


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "ftp://files.example.org", "https://", "http://a b.example", "//x"],
)
def test_the_base_url_must_be_a_web_address_with_a_host(value: str) -> None:
    with pytest.raises(ConfigError, match=r"RAPPORT_BASE_URL: .*https://rapport\.example\.org"):
        load_settings(base_url=value)


def test_a_base_url_with_a_path_is_kept_without_its_trailing_slash() -> None:
    settings = load_settings(base_url="https://example.org/rapport/")
    assert settings.base_url == "https://example.org/rapport"


@pytest.mark.parametrize("value", ["Rapport", "a@b.example, c@d.example", "Clinic <a@b.example"])
def test_the_sender_must_be_an_address_or_a_name_and_an_address(value: str) -> None:
    with pytest.raises(ConfigError, match="RAPPORT_SMTP_FROM: is not an address"):
        load_settings(smtp_from=value)


@pytest.mark.parametrize(
    "value", ["Rapport <rapport@localhost>", "social@lakeside.example", '"Lakeside, Inc" <a@b.nl>']
)
def test_usual_senders_are_accepted(value: str) -> None:
    assert load_settings(smtp_from=value).smtp_from == value

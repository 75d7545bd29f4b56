"""config.yaml becomes one frozen Settings; the environment overrides it; a bad key stops start-up."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from engine.errors import ConfigError
from engine.settings import ensure_secret_key, load_settings
from ipflow_testing import REPO


def write_config(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load((REPO / "config.yaml").read_text())
    change(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_repository_config_loads_into_frozen_settings():
    settings = load_settings(REPO / "config.yaml", env={})
    assert settings.office_country == "BG"
    assert settings.database_url == f"sqlite:///{REPO / 'instance' / 'ipflow.sqlite3'}"
    assert settings.weekend == (5, 6)
    assert settings.numbering_codes["trademark"] == "40"
    assert {u.username for u in settings.users} >= {"clerk", "examiner", "manager", "analyst", "admin"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.office_country = "DE"


def test_environment_overrides_the_file():
    env = {
        "IPFLOW_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
        "IPFLOW_MAIL_PORT": "2525",
        "IPFLOW_SECRET_KEY": "s3cret",
    }
    settings = load_settings(REPO / "config.yaml", env=env)
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert settings.mail.port == 2525
    assert settings.secret_key == "s3cret"
    assert settings.secure_cookies is False
    assert load_settings(REPO / "config.yaml", env={"IPFLOW_SECURE_COOKIES": "1"}).secure_cookies is True
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("change", "key", "phrase"),
    [
        (lambda raw: raw["mail"].pop("port"), "mail.port", "is missing"),
        (lambda raw: raw["mail"].update(port="smtp"), "mail.port", "must be a number"),
        (lambda raw: raw["mail"].update(port=0), "mail.port", "greater than 0"),
        (lambda raw: raw["office"].update(country="Bulgaria"), "office.country", "two-letter ST.3 code"),
        (lambda raw: raw["office"].update(timezone="Mars/Base"), "office.timezone", "unknown time zone"),
        (lambda raw: raw["database"].update(url="mysql://x"), "database.url", "sqlite:/// or postgresql"),
        (lambda raw: raw["calendar"].update(weekend=["funday"]), "calendar.weekend", "unknown day"),
        (lambda raw: raw["calendar"].update(closures=["31/12/2026"]), "calendar.closures", "ISO date"),
        (lambda raw: raw["numbering"].update(format="{code}-{yr}"), "numbering.format", "only {code}"),
        (lambda raw: raw["numbering"]["codes"].pop("design"), "numbering.codes", "design"),
        (lambda raw: raw["users"][0].update(roles=["wizard"]), "users[0].roles", "unknown role"),
        (lambda raw: raw["worker"]["retry"].update(backoff_seconds=[]), "worker.retry.backoff_seconds", "list of whole seconds"),
        (lambda raw: raw["web"].update(secure_cookies="maybe"), "web.secure_cookies", "true or false"),
    ],
)
def test_a_wrong_setting_names_its_key(tmp_path, change, key, phrase):
    with pytest.raises(ConfigError, match=phrase) as caught:
        load_settings(write_config(tmp_path, change), env={})
    assert caught.value.key == key
    assert f"'{key}'" in str(caught.value)


def test_missing_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match="no configuration file"):
        load_settings(tmp_path / "absent.yaml", env={})
    broken = tmp_path / "broken.yaml"
    broken.write_text("office: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(broken, env={})


def test_demo_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    settings = load_settings(REPO / "config.yaml", env={"IPFLOW_INSTANCE_PATH": str(tmp_path / "inst")})
    first = ensure_secret_key(settings)
    second = ensure_secret_key(settings)
    assert len(first.secret_key) == 64 and first.secret_key == second.secret_key
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o777 == 0o600

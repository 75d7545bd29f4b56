"""config.yaml, read once into one immutable Settings object; the environment overrides it.

Every wrong or missing key stops start-up with a ConfigError naming the key (`mail.port`), so an
operator knows which line to fix. Secrets (the web secret key) come only from the environment.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from engine.errors import ConfigError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RIGHT_TYPES = ("trademark", "patent", "design")

# Environment variable -> dotted key it overrides.
ENV_OVERRIDES = {
    "IPFLOW_DATABASE_URL": "database.url",
    "IPFLOW_INSTANCE_PATH": "instance_path",
    "IPFLOW_MAIL_HOST": "mail.host",
    "IPFLOW_MAIL_PORT": "mail.port",
    "IPFLOW_OFFICE_COUNTRY": "office.country",
    "IPFLOW_SECURE_COOKIES": "web.secure_cookies",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    email: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    timeout_seconds: float


@dataclass(frozen=True)
class WorkerSettings:
    sweep_seconds: float
    batch_size: int
    lease_seconds: int
    retry_tries: int
    retry_backoff_seconds: tuple[int, ...]


@dataclass(frozen=True)
class Settings:
    root: Path
    office_name: str
    office_country: str
    office_timezone: str
    currency: str
    database_url: str
    instance_path: Path
    bpmn_path: Path
    forms_path: Path
    roles: Mapping[str, str]
    users: tuple[DemoUser, ...]
    weekend: tuple[int, ...]
    closures: tuple[date, ...]
    numbering_format: str
    numbering_codes: Mapping[str, str]
    mail: MailSettings
    sandbox_time_limit: float
    worker: WorkerSettings
    secure_cookies: bool = False
    secret_key: str = field(repr=False, default="")
    demo_password: str | None = field(repr=False, default=None)

    def replace(self, **changes: Any) -> Settings:
        from dataclasses import replace

        return replace(self, **changes)


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read config.yaml (or IPFLOW_CONFIG) and apply environment overrides."""
    env = os.environ if env is None else env
    path = Path(path or env.get("IPFLOW_CONFIG") or "config.yaml").resolve()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("IPFLOW_CONFIG", f"no configuration file at {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigError("config.yaml", f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError("config.yaml", "must be a mapping of sections")
    for var, key in ENV_OVERRIDES.items():
        if env.get(var):
            _set(raw, key, env[var])
    return _build(raw, path.parent, env)


def _set(raw: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = raw
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _get(raw: Mapping, dotted: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    node: Any = raw
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            if default is not ...:
                return default
            raise ConfigError(dotted, "is missing")
        node = node[part]
    if kind in (int, float) and isinstance(node, str):
        try:
            node = kind(node)
        except ValueError:
            raise ConfigError(dotted, f"must be a number, not {node!r}") from None
    if not isinstance(node, kind) or (kind in (int, float) and isinstance(node, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(dotted, f"must be {names}, not {node!r}")
    return node


def _positive(raw: Mapping, dotted: str, kind: type) -> Any:
    value = _get(raw, dotted, (int, float) if kind is float else int)
    if value <= 0:
        raise ConfigError(dotted, f"must be greater than 0, not {value}")
    return kind(value)


def _build(raw: Mapping, root: Path, env: Mapping[str, str]) -> Settings:
    instance_path = (root / _get(raw, "instance_path", str, "instance")).resolve()
    country = _get(raw, "office.country", str)
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ConfigError("office.country", f"must be a two-letter ST.3 code like BG, not {country!r}")
    tz = _get(raw, "office.timezone", str)
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("office.timezone", f"unknown time zone {tz!r}") from None
    return Settings(
        root=root,
        office_name=_get(raw, "office.name", str),
        office_country=country,
        office_timezone=tz,
        currency=_get(raw, "office.currency", str),
        database_url=_database_url(_get(raw, "database.url", str), instance_path),
        instance_path=instance_path,
        bpmn_path=(root / _get(raw, "library.bpmn", str)).resolve(),
        forms_path=(root / _get(raw, "library.forms", str)).resolve(),
        roles=_roles(raw),
        users=_users(raw),
        weekend=_weekend(raw),
        closures=_closures(raw),
        numbering_format=_numbering_format(raw),
        numbering_codes=_numbering_codes(raw),
        mail=MailSettings(
            host=_get(raw, "mail.host", str),
            port=_positive(raw, "mail.port", int),
            sender=_get(raw, "mail.sender", str),
            timeout_seconds=_positive(raw, "mail.timeout_seconds", float),
        ),
        sandbox_time_limit=_positive(raw, "sandbox.time_limit_seconds", float),
        worker=_worker(raw),
        secure_cookies=_flag(raw, "web.secure_cookies"),
        secret_key=env.get("IPFLOW_SECRET_KEY", ""),
        demo_password=env.get("IPFLOW_DEMO_PASSWORD") or None,
    )


def _flag(raw: Mapping, dotted: str) -> bool:
    value = _get(raw, dotted, (bool, str, int), False)
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(dotted, f"must be true or false, not {value!r}")


def _database_url(url: str, instance_path: Path) -> str:
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", url):
        raise ConfigError("database.url", f"must be a sqlite:/// or postgresql+psycopg:// URL, not {url!r}")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://" and ":memory:" not in url:
        url = prefix + str(instance_path / url[len(prefix) :])
    return url


def _roles(raw: Mapping) -> Mapping[str, str]:
    roles = _get(raw, "roles", dict)
    for name, title in roles.items():
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ConfigError(f"roles.{name}", "role names are lower-case words like examiner")
        if not isinstance(title, str):
            raise ConfigError(f"roles.{name}", "must be the role's title, a string")
    return dict(roles)


def _users(raw: Mapping) -> tuple[DemoUser, ...]:
    roles = _get(raw, "roles", dict)
    users = []
    for i, entry in enumerate(_get(raw, "users", list, [])):
        where = f"users[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(where, "must be a mapping with username, name, email, roles")
        username = _get(entry, "username", str) if "username" in entry else None
        if not username:
            raise ConfigError(f"{where}.username", "is missing")
        user_roles = entry.get("roles") or []
        unknown = [r for r in user_roles if r not in roles]
        if unknown:
            raise ConfigError(f"{where}.roles", f"unknown role(s) {', '.join(map(str, unknown))}")
        users.append(DemoUser(username, str(entry.get("name", username)), str(entry.get("email", "")), tuple(user_roles)))
    return tuple(users)


def _weekend(raw: Mapping) -> tuple[int, ...]:
    days = _get(raw, "calendar.weekend", list)
    bad = [d for d in days if str(d).lower() not in WEEKDAYS]
    if bad:
        raise ConfigError("calendar.weekend", f"unknown day(s) {bad}; use names like saturday")
    return tuple(sorted(WEEKDAYS.index(str(d).lower()) for d in days))


def _closures(raw: Mapping) -> tuple[date, ...]:
    out = []
    for item in _get(raw, "calendar.closures", list, []):
        if isinstance(item, date):
            out.append(item)
            continue
        try:
            out.append(date.fromisoformat(str(item)))
        except ValueError:
            raise ConfigError("calendar.closures", f"{item!r} is not an ISO date like 2026-12-31") from None
    return tuple(sorted(out))


def _numbering_format(raw: Mapping) -> str:
    fmt = _get(raw, "numbering.format", str)
    try:
        fmt.format(code="40", year=2026, serial=1)
    except (KeyError, ValueError, IndexError) as exc:
        raise ConfigError("numbering.format", f"uses {exc}; only {{code}}, {{year}} and {{serial}} exist") from None
    return fmt


def _numbering_codes(raw: Mapping) -> Mapping[str, str]:
    codes = _get(raw, "numbering.codes", dict)
    missing = [r for r in RIGHT_TYPES if r not in codes]
    if missing:
        raise ConfigError("numbering.codes", f"needs a code for {', '.join(missing)}")
    return {str(k): str(v) for k, v in codes.items()}


def _worker(raw: Mapping) -> WorkerSettings:
    backoff = _get(raw, "worker.retry.backoff_seconds", list)
    if not backoff or not all(isinstance(b, int) and b >= 0 for b in backoff):
        raise ConfigError("worker.retry.backoff_seconds", "must be a list of whole seconds like [60, 300, 1800]")
    return WorkerSettings(
        sweep_seconds=_positive(raw, "worker.sweep_seconds", float),
        batch_size=_positive(raw, "worker.batch_size", int),
        lease_seconds=_positive(raw, "worker.lease_seconds", int),
        retry_tries=_positive(raw, "worker.retry.tries", int),
        retry_backoff_seconds=tuple(backoff),
    )


def ensure_secret_key(settings: Settings) -> Settings:
    """The embedded demo may run without IPFLOW_SECRET_KEY: keep a generated one in the instance folder."""
    if settings.secret_key:
        return settings
    key_file = settings.instance_path / "secret_key"
    if not key_file.exists():
        settings.instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return settings.replace(secret_key=key_file.read_text().strip())

"""Settings: where the tables are and what they are called.

A :class:`Settings` holds the source (``demo`` | ``aws``), region, profile, endpoint URL and
the table-name map. Table names default to the names in the source documents, with ``{env}``
and ``{project}`` placeholders; a TOML file maps any logical table to a physical name::

    env = "prod"
    project = "trading-bot"
    region = "eu-west-3"

    [tables]
    trades = "my-trading-bot-trades"
    discord_config = "solanashares-config"

Precedence: explicit arguments > TOML file > environment (``AWS_ENDPOINT_URL_DYNAMODB``,
``AWS_ENDPOINT_URL``, ``AWS_PROFILE``, ``DYNAMO_REPORTS_ENV``) > defaults.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .exceptions import ConfigError, ParameterError, TableNotFoundError
from .redaction import redact_url

DEFAULT_REGION = "eu-west-3"
DEFAULT_ENV = "dev"
DEFAULT_PROJECT = "trading-bot"
SOURCES = ("demo", "aws")

# Logical table -> default physical name (the names the source documents give).
DEFAULT_TABLE_NAMES: dict[str, str] = {
    # 000 SolanaShares participant bot
    "solanashares": "solanashares-logistic",
    # 001 multi-guild Discord bot configuration
    "discord_config": "discord-bot-config",
    # 002 Binance trading bot (Terraform: "${project_name}-${environment}-...")
    "trades": "{project}-{env}-trades",
    "bot_config": "{project}-{env}-bot-config",
    "reports": "{project}-{env}-reports",
    # 003 Commercive dashboard
    "conversations": "commercive-conversations-{env}",
    "messages": "commercive-messages-{env}",
    "leads": "commercive-leads-{env}",
    "affiliate_links": "commercive-affiliate-links-{env}",
    "affiliate_stats": "commercive-affiliate-stats-{env}",
    # 004 Flavaflav guild bot
    "members": "flavaflav-members-{env}",
    "inventory": "flavaflav-inventory-{env}",
    "distributions": "flavaflav-distributions-{env}",
    "lists": "flavaflav-lists-{env}",
}

_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_CONFIG_KEYS = {"source", "region", "profile", "endpoint_url", "env", "project", "tables", "alerts"}


@dataclass(frozen=True)
class Settings:
    """Connection and naming settings. Immutable; use :meth:`with_` to derive."""

    source: str = "aws"
    region: str = DEFAULT_REGION
    profile: str | None = None
    endpoint_url: str | None = None
    env: str = DEFAULT_ENV
    project: str = DEFAULT_PROJECT
    tables: Mapping[str, str] = field(default_factory=dict)
    read_only: bool = False

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ParameterError("source", f"must be one of {', '.join(SOURCES)}, got {self.source!r}")
        for name in ("region", "env", "project"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ParameterError(name, f"must be a non-empty string, got {value!r}")
        if not _REGION_RE.match(self.region):
            raise ParameterError("region", f"not an AWS region name like 'eu-west-3', got {self.region!r}")
        if self.endpoint_url is not None:
            check_endpoint_url(self.endpoint_url)
        unknown = sorted(set(self.tables) - set(DEFAULT_TABLE_NAMES))
        if unknown:
            raise ConfigError(
                f"unknown logical table(s) in [tables]: {', '.join(unknown)}; "
                f"known: {', '.join(DEFAULT_TABLE_NAMES)}",
                key="tables",
            )

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def table_name(self, logical: str) -> str:
        """Physical name of a logical table (TOML map first, then the documented default)."""
        if logical not in DEFAULT_TABLE_NAMES:
            raise TableNotFoundError(logical)
        template = self.tables.get(logical, DEFAULT_TABLE_NAMES[logical])
        try:
            return template.format(env=self.env, project=self.project)
        except (KeyError, IndexError) as e:
            raise ConfigError(
                f"table name template {template!r} for {logical!r} uses an unknown placeholder {e}; "
                "only {env} and {project} exist",
                key=f"tables.{logical}",
            ) from e

    def table_names(self) -> dict[str, str]:
        return {logical: self.table_name(logical) for logical in DEFAULT_TABLE_NAMES}

    @property
    def targets_aws(self) -> bool:
        """True when requests would go to real AWS (no endpoint, or an amazonaws.com one)."""
        return is_aws_endpoint(self.endpoint_url)


def check_endpoint_url(url: str) -> None:
    """Refuse an endpoint URL that boto3 could not use: scheme, host and port are checked."""
    from urllib.parse import urlsplit

    shown = redact_url(url)
    try:
        parts = urlsplit(str(url))
        port = parts.port
    except ValueError:
        raise ParameterError("endpoint_url", f"not a valid URL: {shown!r}") from None
    if parts.scheme not in ("http", "https"):
        raise ParameterError("endpoint_url", f"must start with http:// or https://, got {shown!r}")
    if not parts.hostname:
        raise ParameterError("endpoint_url", f"has no host name: {shown!r}")
    if port == 0:
        raise ParameterError("endpoint_url", f"port 0 is not a port one can connect to: {shown!r}")


# Always AWS, whatever botocore's endpoint data says: standard, China and dual-stack suffixes.
_AWS_DNS_SUFFIXES = ("amazonaws.com", "amazonaws.com.cn", "api.aws")


@functools.cache
def aws_dns_suffixes() -> frozenset[str]:
    """The DNS suffixes of AWS endpoints in every partition, standard, FIPS and dual-stack
    (``amazonaws.com``, ``api.aws``, ``amazonaws.com.cn``, ...), from botocore's endpoint data."""
    import botocore.exceptions
    import botocore.loaders

    suffixes = set(_AWS_DNS_SUFFIXES)
    try:
        data = botocore.loaders.create_loader().load_data("endpoints")
    except (botocore.exceptions.DataNotFoundError, OSError, ValueError):
        return frozenset(suffixes)
    for partition in data.get("partitions", []):
        variants = partition.get("defaults", {}).get("variants", [])
        suffixes.update(str(s).lower() for s in [partition.get("dnsSuffix"), *(v.get("dnsSuffix") for v in variants)]
                        if s)
    return frozenset(suffixes)


def is_aws_endpoint(url: str | None) -> bool:
    """No endpoint means boto3's default: real AWS. So does any host under an AWS DNS suffix,
    written in any case and with or without the trailing dot of a fully qualified name
    (``dynamodb.eu-west-3.amazonaws.com.``, dual-stack ``dynamodb.eu-west-3.api.aws``)."""
    if not url:
        return True
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(str(url)).hostname or "").lower().rstrip(".")
    except ValueError:
        return True  # unreadable: assume the worst (this guards writes to real AWS)
    return any(host == suffix or host.endswith("." + suffix) for suffix in aws_dns_suffixes())


def load_toml(path: str | os.PathLike) -> dict:
    """Read a TOML config file; errors name the file and what is wrong."""
    p = Path(path)
    if not p.is_file():
        raise ParameterError("config_file", f"no such file: {p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}", key="config_file") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: not UTF-8 text (byte {e.start}); save it as UTF-8", key="config_file") from e
    except OSError as e:
        raise ConfigError(f"{p}: cannot be read ({e.strerror or e})", key="config_file") from e
    unknown = sorted(set(data) - _CONFIG_KEYS)
    if unknown:
        raise ConfigError(f"{p}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_CONFIG_KEYS))}")
    tables = data.get("tables", {})
    if not isinstance(tables, dict) or not all(isinstance(v, str) for v in tables.values()):
        raise ConfigError(f"{p}: [tables] must map logical names to strings", key="tables")
    if not isinstance(data.get("alerts", {}), dict):
        raise ConfigError(f"{p}: [alerts] must be a table of \"REPORT.summary_key\" = \"> 5\" rules", key="alerts")
    return data


def load_settings(
    *,
    source: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    env: str | None = None,
    project: str | None = None,
    config_file: str | os.PathLike | None = None,
    tables: Mapping[str, str] | None = None,
    read_only: bool = False,
    environ: Mapping[str, str] | None = None,
    default_source: str = "aws",
) -> Settings:
    """Build :class:`Settings` from arguments, an optional TOML file and the environment.

    Empty strings count as "not given" (notebook parameters use ``""`` for unset).
    """
    environ = os.environ if environ is None else environ
    file_data = load_toml(config_file) if config_file else {}

    def pick(name, explicit, env_names=(), default=None):
        if explicit not in (None, ""):
            return explicit
        if file_data.get(name) not in (None, ""):
            return file_data[name]
        for env_name in env_names:
            if environ.get(env_name):
                return environ[env_name]
        return default

    merged_tables = dict(file_data.get("tables", {}))
    merged_tables.update(tables or {})
    return Settings(
        source=pick("source", source, default=default_source),
        region=pick("region", region, ("AWS_REGION", "AWS_DEFAULT_REGION"), DEFAULT_REGION),
        profile=pick("profile", profile, ("AWS_PROFILE",)),
        endpoint_url=pick("endpoint_url", endpoint_url, ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL")),
        env=pick("env", env, ("DYNAMO_REPORTS_ENV",), DEFAULT_ENV),
        project=pick("project", project, ("DYNAMO_REPORTS_PROJECT",), DEFAULT_PROJECT),
        tables=merged_tables,
        read_only=read_only,
    )

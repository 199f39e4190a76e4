"""Notices: one message per report run to Discord (a webhook) and/or Telegram (a bot).

Secrets come from the environment only, never from the command line:

- ``DYNAMO_REPORTS_DISCORD_WEBHOOK``: the webhook URL (``https://discord.com/api/webhooks/ID/TOKEN``);
  ``DYNAMO_REPORTS_DISCORD_BASE_URL`` replaces its scheme and host (a proxy, a test server);
- ``DYNAMO_REPORTS_TELEGRAM_TOKEN`` and ``DYNAMO_REPORTS_TELEGRAM_CHAT_ID``;
  ``DYNAMO_REPORTS_TELEGRAM_BASE_URL`` (default ``https://api.telegram.org``).

:func:`channels_from_env` checks them before anything runs (a missing or malformed one is a
:class:`~dynamo_reports.exceptions.ParameterError` naming the variable, never its value).
:func:`build_message` writes the text: status and title, the window, fired alerts first, the
headline numbers with their units, the data-quality count, the failed run's one-line error and
the link to the published report; e-mail addresses masked, secrets redacted, cut to the service's
limit (Discord 2000 characters, Telegram 4096). :func:`send` posts it with the standard library:
a 429 waits what ``Retry-After`` (header, or the JSON body's ``retry_after``) says, a 5xx or a
network error is retried with exponential backoff, attempts and total wait are bounded, and it
never raises: a notice that cannot be delivered is logged and returned as a failed
:class:`Delivery` (the caller counts it in run.json).
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from .. import __version__
from ..exceptions import ParameterError
from ..redaction import REDACTED, redact_text
from ..reporting.headlines import format_headline

__all__ = [
    "DISCORD_BASE_URL_ENV",
    "DISCORD_WEBHOOK_ENV",
    "LIMITS",
    "SERVICES",
    "TELEGRAM_BASE_URL_ENV",
    "TELEGRAM_CHAT_ID_ENV",
    "TELEGRAM_TOKEN_ENV",
    "Channel",
    "Delivery",
    "build_message",
    "channels_from_env",
    "format_number",
    "mask_emails",
    "notify",
    "send",
]

log = logging.getLogger("dynamo_reports.notify")

DISCORD_WEBHOOK_ENV = "DYNAMO_REPORTS_DISCORD_WEBHOOK"
DISCORD_BASE_URL_ENV = "DYNAMO_REPORTS_DISCORD_BASE_URL"
TELEGRAM_TOKEN_ENV = "DYNAMO_REPORTS_TELEGRAM_TOKEN"
TELEGRAM_CHAT_ID_ENV = "DYNAMO_REPORTS_TELEGRAM_CHAT_ID"
TELEGRAM_BASE_URL_ENV = "DYNAMO_REPORTS_TELEGRAM_BASE_URL"
TELEGRAM_DEFAULT_BASE = "https://api.telegram.org"
SERVICES = ("discord", "telegram")
#: message length limits, in characters
LIMITS = {"discord": 2000, "telegram": 4096}

_TELEGRAM_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_TELEGRAM_CHAT = re.compile(r"^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,})$")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b")


@dataclass(frozen=True)
class Channel:
    """Where one notice goes. ``url`` and ``secrets`` are secrets: never printed (``repr``
    shows the service only), scrubbed from every error text."""

    service: str
    url: str = field(repr=False)
    fields: Mapping[str, Any] = field(default_factory=dict, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def limit(self) -> int:
        return LIMITS[self.service]

    def payload(self, text: str) -> dict[str, Any]:
        if self.service == "discord":  # plain text, and nobody is pinged by what the data says
            return {"content": text, "allowed_mentions": {"parse": []}}
        return {**self.fields, "text": text, "disable_web_page_preview": True}

    def scrub(self, text: str) -> str:
        """``text`` with this channel's secrets and any URL's secrets removed."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret:
                text = text.replace(secret, REDACTED)
        return redact_text(text)


def _http_url(variable: str, value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ParameterError(variable, "is not an http(s) URL (its value is not shown)")
    return value


def _rebase(url: str, base: str, variable: str) -> str:
    """``url`` with its scheme and host (and port) replaced by ``base`` (which may add a path)."""
    _http_url(variable, base)
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    return base.rstrip("/") + tail


def channels_from_env(services: Iterable[str], environ: Mapping[str, str]) -> list[Channel]:
    """The channels for ``--notify`` values, from the environment; checked, nothing sent.

    A missing or malformed variable raises ``ParameterError(<variable name>)``.
    """
    channels: list[Channel] = []
    for service in dict.fromkeys(services):
        if service == "discord":
            webhook = environ.get(DISCORD_WEBHOOK_ENV, "").strip()
            if not webhook:
                raise ParameterError(DISCORD_WEBHOOK_ENV, "is not set: --notify discord reads the webhook URL "
                                                          "from the environment (never from the command line)")
            _http_url(DISCORD_WEBHOOK_ENV, webhook)
            base = environ.get(DISCORD_BASE_URL_ENV, "").strip()
            url = _rebase(webhook, base, DISCORD_BASE_URL_ENV) if base else webhook
            path = urlsplit(webhook).path.rstrip("/")
            token = path.rsplit("/", 1)[-1] if "/webhooks/" in path else ""
            channels.append(Channel("discord", url, secrets=(webhook, url, token)))
        elif service == "telegram":
            token = environ.get(TELEGRAM_TOKEN_ENV, "").strip()
            chat = environ.get(TELEGRAM_CHAT_ID_ENV, "").strip()
            for variable, value in ((TELEGRAM_TOKEN_ENV, token), (TELEGRAM_CHAT_ID_ENV, chat)):
                if not value:
                    raise ParameterError(variable, "is not set: --notify telegram reads the bot token and the chat "
                                                   "id from the environment (never from the command line)")
            if not _TELEGRAM_TOKEN.match(token):
                raise ParameterError(TELEGRAM_TOKEN_ENV, "is not a bot token like 123456:ABC-DEF... "
                                                         "(its value is not shown)")
            if not _TELEGRAM_CHAT.match(chat):
                raise ParameterError(TELEGRAM_CHAT_ID_ENV, "is not a chat id (a number, or @channelname)")
            base = environ.get(TELEGRAM_BASE_URL_ENV, "").strip() or TELEGRAM_DEFAULT_BASE
            _http_url(TELEGRAM_BASE_URL_ENV, base)
            url = f"{base.rstrip('/')}/bot{token}/sendMessage"
            channels.append(Channel("telegram", url, fields={"chat_id": chat}, secrets=(token, url)))
        else:
            raise ParameterError("notify", f"unknown service {service!r}; use one of {', '.join(SERVICES)}")
    return channels


# -- the message ---------------------------------------------------------------------------------

def mask_emails(text: str) -> str:
    """Every e-mail address in ``text`` masked as the reports mask it: ``j***@example.com``."""
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def format_number(value: Any, unit: str = "") -> str:
    """A summary value for people, exactly as the index and the report's findings box show it
    (:func:`~dynamo_reports.reporting.headlines.format_headline`)."""
    return format_headline(value, unit)


def _window(record: Mapping[str, Any]) -> str:
    window = record.get("window") or {}
    if not isinstance(window, Mapping):
        return ""
    start, end, label = window.get("start"), window.get("end"), window.get("label")
    span = f"{start or '…'} → {end or '…'}" if (start or end) else "all data"
    if label and label not in ("all", f"{start}..{end}"):
        span = f"{label}: {span}"
    return f"{span} ({window.get('timezone') or 'UTC'})"


def _unit(units: Mapping[str, str], key: str, summary: Mapping[str, Any]) -> str:
    unit = units.get(key, "")
    if "{quote_asset}" in unit:
        unit = unit.replace("{quote_asset}", str(summary.get("quote_asset") or ""))
    return unit


def build_message(
    record: Mapping[str, Any],
    summary: Mapping[str, Any] | None,
    *,
    headline_keys: Sequence[str] = (),
    units: Mapping[str, str] | None = None,
    link: str | None = None,
    limit: int = 2000,
) -> str:
    """The notice for one run (``record`` = its run.json, ``summary`` = its summary.json).

    Fired alerts come first; the link is kept whatever is cut to fit ``limit``.
    """
    from ..alerts import data_quality_total

    summary = summary or {}
    units = units or {}
    status = str(record.get("status", "?"))
    alerts = [a for a in record.get("alerts") or [] if isinstance(a, Mapping) and a.get("status") == "fired"]
    mark = "FAILED" if status != "ok" else ("ALERT" if alerts else "OK")
    title = record.get("title") or record.get("report")
    source = (record.get("parameters") or {}).get("source")
    lines = [f"[{mark}] {title} ({record.get('report')})" + (" — DEMO DATA" if source == "demo" else "")]
    lines.append(f"Window: {_window(record)}")
    if status != "ok":
        error = record.get("error") or {}
        message = error.get("message") if isinstance(error, Mapping) else str(error)
        lines.append(f"Error: {message or 'the run failed'}")
    if alerts:
        lines.append(f"Alerts ({len(alerts)}):")
        lines.extend(f"- {a.get('message') or a.get('key')}" for a in alerts)
    if status == "ok":
        shown = [(k, summary[k]) for k in headline_keys if k in summary
                 and (summary[k] is None or isinstance(summary[k], bool | int | float | str))]
        if shown:
            lines.append("Headline numbers:")
            lines.extend(f"- {k}: {format_number(v, _unit(units, k, summary))}" for k, v in shown)
        total = data_quality_total(summary.get("data_quality"))
        if total is not None:
            lines.append(f"Data quality: {format_number(total)} finding(s)")
    tail = f"\nReport: {link}" if link else ""
    body = mask_emails(redact_text("\n".join(lines)))
    room = limit - len(tail)
    if len(body) > room:
        body = body[: max(room - 1, 0)].rstrip() + "…"
    return body + tail


# -- delivery ------------------------------------------------------------------------------------

@dataclass
class Delivery:
    """What became of one notice."""

    service: str
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None
    waited_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "ok": self.ok, "attempts": self.attempts, "status": self.status,
                "error": self.error, "waited_s": round(self.waited_s, 3)}


def _retry_after(headers: Any, body: bytes) -> float | None:
    """Seconds to wait from a 429: ``Retry-After`` (seconds or an HTTP date), else the JSON body's
    ``retry_after`` (Discord) or ``parameters.retry_after`` (Telegram)."""
    value = headers.get("Retry-After") if headers is not None else None
    if value:
        try:
            return max(float(value), 0.0)
        except ValueError:
            try:
                return max((parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds(), 0.0)
            except (TypeError, ValueError):
                pass
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None
    if isinstance(data, Mapping):
        for candidate in (data.get("retry_after"), (data.get("parameters") or {}).get("retry_after")):
            if isinstance(candidate, int | float) and not isinstance(candidate, bool) and candidate >= 0:
                return float(candidate)
    return None


def _describe(body: bytes) -> str:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return ""
    if isinstance(data, Mapping):
        return str(data.get("description") or data.get("message") or "")[:200]
    return ""


def send(
    channel: Channel,
    text: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int = 5,
    max_total_wait: float = 60.0,
    backoff: float = 1.0,
    timeout: float = 10.0,
) -> Delivery:
    """POST one notice; retried as the module docstring says; never raises."""
    data = json.dumps(channel.payload(text)).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": f"dynamo-reports/{__version__}"}
    waited = 0.0
    status: int | None = None
    error = "not sent"
    for attempt in range(1, max_attempts + 1):
        request = urllib.request.Request(channel.url, data=data, headers=headers, method="POST")
        wait: float | None
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked)
                status = response.status
                body = response.read()
            if channel.service == "telegram" and json.loads(body or b"{}").get("ok") is False:
                return Delivery(channel.service, False, attempt, status,
                                channel.scrub(f"Telegram refused the message: {_describe(body)}"), waited)
            return Delivery(channel.service, True, attempt, status, None, waited)
        except urllib.error.HTTPError as exc:
            status = exc.code
            body = exc.read() if exc.fp is not None else b""
            described = _describe(body)
            error = f"HTTP {status}" + (f": {described}" if described else "")
            if status == 429:
                wait = _retry_after(exc.headers, body)
                wait = backoff * 2 ** (attempt - 1) if wait is None else wait
            elif 500 <= status < 600:
                wait = backoff * 2 ** (attempt - 1)
            else:  # 400, 401, 403, 404: retrying cannot help
                return Delivery(channel.service, False, attempt, status, channel.scrub(error), waited)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            status = None
            reason = getattr(exc, "reason", exc)
            error = f"{type(exc).__name__}: {reason}"
            wait = backoff * 2 ** (attempt - 1)
        if attempt == max_attempts:
            break
        if waited + wait > max_total_wait:
            error += f" (retrying would wait {wait:g} s more, beyond {max_total_wait:g} s in all)"
            break
        sleep(wait)
        waited += wait
    return Delivery(channel.service, False, attempt, status, channel.scrub(error), waited)


def notify(channels: Iterable[Channel], text_for: Callable[[Channel], str], **options: Any) -> list[Delivery]:
    """Send one notice per channel (``text_for(channel)`` its text); failures are logged, not raised."""
    results = []
    for channel in channels:
        try:
            delivery = send(channel, text_for(channel), **options)
        except Exception as exc:  # a notice never fails a run
            delivery = Delivery(channel.service, False, 0, None, channel.scrub(f"{type(exc).__name__}: {exc}"))
        if not delivery.ok:
            log.warning("notice to %s not delivered after %d attempt(s): %s",
                        delivery.service, delivery.attempts, delivery.error)
        results.append(delivery)
    return results

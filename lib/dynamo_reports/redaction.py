"""Secrets never leave memory: one redaction applied wherever a setting or an error is written.

What counts as a secret:

- the user-info of a URL (``http://user:pass@host``) and its query string and fragment
  (``?token=...``), wherever a URL appears in a text;
- the value of anything *named* like a key, secret, token, password, credential, signature
  or authorization, in a mapping (``{"aws_secret_access_key": ...}``) or written in a text as
  ``name=value`` / ``name: value``;
- secrets carried in a URL's path by the notice services: a Discord webhook's token
  (``/api/webhooks/{id}/{token}``) and a Telegram bot token (``/bot{id}:{secret}/``, also bare).

Used for notebook parameters and the executed notebook (papermill metadata, outputs,
tracebacks), ``run.json``, the index, the HTML export and every line on stderr.

>>> redact_url("http://user:pass@127.0.0.1:8000/?token=abc")
'http://127.0.0.1:8000/'
>>> redact_text('could not connect to "https://u:p@db.example/x?sig=1"; aws_secret_access_key=AKIA123')
'could not connect to "https://db.example/x"; aws_secret_access_key=<redacted>'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "SENSITIVE_NAME", "has_secrets", "redact", "redact_mapping", "redact_text", "redact_url"]

REDACTED = "<redacted>"

#: A name whose value is a secret: one of its parts (split at ``_ - .``) is ``key``, or it
#: mentions a secret, token, password, credential, signature, authorization or cookie.
SENSITIVE_NAME = re.compile(
    r"(?:^|[_.\-])key(?:$|[_.\-])|apikey|secret|token|passw(?:or)?d|credential|signature|authorization|cookie",
    re.IGNORECASE,
)

# scheme://[userinfo@]host[:port][/path][?query][#fragment]; stops at quotes, spaces and brackets
_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)"
    r"(?P<userinfo>[^\s/?#\"'<>@]*@)?"
    r"(?P<host>[^\s/?#\"'<>]*)"
    r"(?P<path>[^\s?#\"'<>]*)"
    r"(?P<query>\?[^\s#\"'<>]*)?"
    r"(?P<fragment>#[^\s\"'<>]*)?"
)
# name=value or name: value in a text, where the name is credential-like (``aws_secret_access_key``,
# ``api_key``, ``token``); a bare "key" in prose ("primary key: TRADE#1") is not one
_ASSIGNMENT = re.compile(
    r"(?P<name>\b[\w.\-]*(?:secret|token|passw(?:or)?d|credential|signature|authorization|apikey|api_key|"
    r"access_key|private_key|session_key)[\w.\-]*)"
    r"(?P<sep>\s*[=:]\s*)(?P<quote>[\"']?)(?P<value>[^\s\"',;&)}\]]+)",
    re.IGNORECASE,
)


# Discord webhook tokens (in a URL path) and Telegram bot tokens (123456:ABC-..., in a path or bare)
_PATH_SECRETS = re.compile(
    r"(?P<webhook>/api/(?:v\d+/)?webhooks/\d+/)[A-Za-z0-9_.\-]+"
    r"|(?:(?P<bot>\bbot)|\b)\d{5,}:[A-Za-z0-9_\-]{20,}"
)


def _clean_path_secret(match: re.Match[str]) -> str:
    if match["webhook"]:
        return match["webhook"] + REDACTED
    return (match["bot"] or "") + REDACTED


def _clean_url_match(match: re.Match[str]) -> str:
    return match["scheme"] + match["host"] + match["path"]


def redact_url(url: str) -> str:
    """``url`` without user-info, query string and fragment."""
    return _URL.sub(_clean_url_match, str(url))


def has_secrets(url: str | None) -> bool:
    """True when ``url`` carries user-info, a query string or a fragment."""
    return bool(url) and redact_url(str(url)) != str(url)


def redact_text(text: str) -> str:
    """``text`` with every URL cleaned (:func:`redact_url`) and every sensitive ``name=value`` masked."""
    cleaned = _PATH_SECRETS.sub(_clean_path_secret, _URL.sub(_clean_url_match, text))
    return _ASSIGNMENT.sub(lambda m: f"{m['name']}{m['sep']}{m['quote']}{REDACTED}", cleaned)


def redact_mapping(values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``values`` with sensitive names' values replaced and every text redacted."""
    return {name: (REDACTED if SENSITIVE_NAME.search(str(name)) and value not in (None, "") else redact(value))
            for name, value in values.items()}


def redact(value: Any) -> Any:
    """Redact any JSON-like value: texts (:func:`redact_text`), mappings, lists."""
    if isinstance(value, str):
        return redact_text(value) if ("://" in value or _ASSIGNMENT.search(value) or _PATH_SECRETS.search(value)) \
            else value
    if isinstance(value, Mapping):
        return redact_mapping(value)
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value

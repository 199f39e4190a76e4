"""The run plan: report names, connection options, the period and notebook parameters, validated.

One function, :func:`build_plan`, turns what a user gives — CLI flags, ``-p NAME VALUE``
pairs, a TOML file, the parameters of a notebook run interactively — into a
:class:`RunPlan`: the settings, the data window, the as-of time and, per report, the exact
values papermill injects. The CLI (``dynamo-reports run``), the runner (:func:`run_report`)
and the notebooks (:func:`~dynamo_reports.notebook.open_report`) all use it, so a period is
resolved in one place and every check runs before the embedded server, a kernel or any
request:

- report names, and a ``-p`` name no selected report declares;
- ``source``, ``region``, ``endpoint_url``, the TOML file (readable, UTF-8, valid, known keys)
  and every table-name template (``{nope}`` is refused);
- ``period``, ``start`` / ``end``, ``timezone``, ``as_of``;
- each notebook parameter's type (from the parameters cell) and the report's own rules
  (ranges, choices: :attr:`~dynamo_reports.reporting.registry.ReportDef.rules`);
- the alert rules (``[alerts]`` in the TOML file, or ``alerts=``): report, summary key,
  operator and threshold (:func:`~dynamo_reports.alerts.parse_rules`); the plan carries those
  of the selected reports in :attr:`RunPlan.alerts`.

A bad value raises :class:`~dynamo_reports.exceptions.ParameterError` (or ``ConfigError``)
naming it. The as-of time is the one given, else the demo dataset's as-of on demo data, else
now; relative periods are resolved against the as-of date in the report's time zone.

>>> plan = build_plan(["pnl"], {"period": "last-7-days"})            # doctest: +SKIP
>>> plan.window.start, plan.window.end                                # doctest: +SKIP
(datetime.date(2025, 6, 23), datetime.date(2025, 6, 29))
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .alerts import AlertRule, parse_rules
from .config import Settings, load_settings, load_toml
from .exceptions import ConfigError, ParameterError
from .redaction import has_secrets
from .reporting.parameters import COMMON_PARAMETERS, ParamSpec, notebook_parameters, validate_parameters
from .reporting.periods import Window, get_zone, resolve_period, window_from_dates
from .reporting.registry import REPORTS, ReportDef, get_report
from .reporting.registry import notebooks_dir as default_notebooks_dir

__all__ = ["OPTION_NAMES", "RunPlan", "build_plan", "parse_as_of"]

#: Parameters the plan sets on every notebook that declares them (from options, not ``-p``).
OPTION_NAMES = tuple(name for name in COMMON_PARAMETERS if name != "summary_path")
#: Parameters only the runner sets.
RUNNER_ONLY = ("summary_path",)
#: Options that may be left out but, when given, may not be empty (``--region ""``).
_NOT_EMPTY = ("source", "region", "env", "project", "period", "timezone")


@dataclass(frozen=True)
class RunPlan:
    """A validated run: settings, window, as-of, and per report the parameters to inject."""

    settings: Settings
    window: Window
    as_of: datetime
    reports: tuple[ReportDef, ...] = ()
    parameters: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    notebooks: Mapping[str, Path] = field(default_factory=dict)
    #: demo data and no endpoint given: the embedded server is to be started by the caller
    embedded: bool = False
    #: environment for the kernels: an endpoint URL carrying secrets (user-info, a query
    #: string) reaches the kernel here, never as a notebook parameter that is stored
    kernel_env: Mapping[str, str] = field(default_factory=dict)
    #: validated alert rules of the selected reports, evaluated by the runner after a good run
    alerts: tuple[AlertRule, ...] = ()

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.reports]

    @property
    def is_demo(self) -> bool:
        return self.settings.source == "demo"

    def with_endpoint(self, endpoint_url: str) -> RunPlan:
        """The same plan pointed at ``endpoint_url`` (once the embedded server is up)."""
        shown, kernel_env = _endpoint_parameter(endpoint_url)
        parameters = {
            name: ({**params, "endpoint_url": shown} if "endpoint_url" in params else dict(params))
            for name, params in self.parameters.items()
        }
        return replace(self, settings=self.settings.with_(endpoint_url=endpoint_url), parameters=parameters,
                       embedded=False, kernel_env=kernel_env)

    def without(self, names: Iterable[str]) -> RunPlan:
        """The plan less the reports in ``names`` (e.g. those whose tables are missing)."""
        drop = set(names)
        return replace(self, reports=tuple(r for r in self.reports if r.name not in drop),
                       parameters={k: v for k, v in self.parameters.items() if k not in drop})


def parse_as_of(value: str | datetime) -> datetime:
    """An ISO 8601 date or timestamp as an aware UTC datetime (naive = UTC, ``Z`` accepted)."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            raise ParameterError(
                "as_of", f"{value!r} is not an ISO date or timestamp (2026-03-15 or 2026-03-15T08:00:00Z)"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _endpoint_parameter(endpoint_url: str | None) -> tuple[str, dict[str, str]]:
    """The ``endpoint_url`` notebook parameter and the kernel environment for an endpoint.

    A URL with user-info or a query string is a secret: the parameter (stored in the executed
    notebook) is left empty and the kernel reads the URL from ``AWS_ENDPOINT_URL_DYNAMODB``.
    """
    if not endpoint_url:
        return "", {}
    if has_secrets(endpoint_url):
        return "", {"AWS_ENDPOINT_URL_DYNAMODB": endpoint_url}
    return endpoint_url, {}


def _demo_as_of() -> datetime:
    from .demo.dataset import AS_OF

    return AS_OF


def _split(parameters: Mapping[str, Any], options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Common names given with ``-p`` join the options (the same value twice is fine)."""
    merged = {k: v for k, v in options.items() if v is not None}
    extras: dict[str, Any] = {}
    for name, value in parameters.items():
        if name in RUNNER_ONLY:
            raise ParameterError(name, "is set by the report runner and cannot be given")
        if name in OPTION_NAMES:
            if name in merged and merged[name] != value:
                raise ParameterError(name, f"given twice with different values ({merged[name]!r} and {value!r})")
            merged[name] = value
        else:
            extras[name] = value
    unknown = sorted(set(merged) - set(OPTION_NAMES))
    if unknown:
        raise ParameterError(unknown[0], f"is not an option; options: {', '.join(OPTION_NAMES)}")
    return merged, extras


def _text_option(options: Mapping[str, Any], name: str) -> str | None:
    value = options.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParameterError(name, f"expected a string, got {type(value).__name__} {value!r}")
    if name in _NOT_EMPTY and not value.strip():
        raise ParameterError(name, "is empty; leave it out for the default")
    return value.strip()


def _resolve_settings(options: Mapping[str, Any], environ: Mapping[str, str] | None) -> Settings:
    text = {name: _text_option(options, name) for name in OPTION_NAMES}
    config_file = text["config_file"] or None
    settings = load_settings(
        source=text["source"], region=text["region"], profile=text["profile"] or None,
        endpoint_url=text["endpoint_url"] or None, env=text["env"], project=text["project"],
        config_file=config_file, read_only=True, environ=environ,
        default_source="demo",
    )
    settings.table_names()  # every template, so a bad placeholder is refused now
    return settings


def _resolve_window(options: Mapping[str, Any], as_of: datetime) -> Window:
    tz = _text_option(options, "timezone") or "UTC"
    zone = get_zone(tz)
    period = _text_option(options, "period")
    start, end = options.get("start") or None, options.get("end") or None
    if start or end:  # explicit dates; ``period`` is then only the label
        return window_from_dates(start, end, tz, label=period)
    return resolve_period(period or str(COMMON_PARAMETERS["period"]), timezone=tz,
                          today=as_of.astimezone(zone).date())


def _report_parameters(
    rdef: ReportDef, path: Path, specs: Mapping[str, ParamSpec], extras: Mapping[str, Any],
) -> dict[str, Any]:
    """The report's own parameters among ``extras``: typed by its notebook, checked by its rules."""
    own = {k: v for k, v in extras.items() if k in specs}
    cleaned = validate_parameters(path, own, reserved=RUNNER_ONLY, specs=specs)
    for name, value in cleaned.items():
        rule = rdef.rules.get(name)
        if rule is not None:
            rule.check(name, value)
    return cleaned


def _alert_rules(config_file: Any, extra: Mapping[str, Any] | None,
                 registry: Mapping[str, ReportDef]) -> tuple[AlertRule, ...]:
    """The rules of the TOML file's ``[alerts]`` and of ``extra``, each validated (every report's,
    not only the selected ones: a bad rule is refused whichever report runs)."""
    rules: list[AlertRule] = []
    if config_file:
        path = Path(str(config_file)).expanduser()
        table = load_toml(path).get("alerts")
        try:
            rules.extend(parse_rules(table, registry))
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}", key=e.key) from None
    if extra:
        rules.extend(parse_rules(extra, registry))
    return tuple(rules)


def build_plan(
    reports: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    *,
    registry: Mapping[str, ReportDef] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    now: datetime | None = None,
    alerts: Mapping[str, Any] | None = None,
) -> RunPlan:
    """Validate everything about a run and resolve it; see the module docstring.

    ``reports``: report names (none: only settings, window and as-of, as a notebook needs).
    ``options``: the common options (``source``, ``endpoint_url``, ``region``, ``profile``,
    ``env``, ``project``, ``config_file``, ``period``, ``start``, ``end``, ``timezone``,
    ``as_of``); ``None`` = not given. ``parameters``: ``-p`` values (strings are coerced to
    the declared type); common names among them count as options. A name no selected
    report declares is refused. ``alerts``: rules as in the TOML ``[alerts]`` table, added to
    the file's. Makes no request and starts nothing.
    """
    registry = REPORTS if registry is None else registry
    merged, extras = _split(parameters or {}, options or {})
    defs = tuple(get_report(name, registry) for name in dict.fromkeys(reports))
    nb_dir = Path(notebooks_dir).expanduser().resolve() if notebooks_dir is not None else default_notebooks_dir()
    paths: dict[str, Path] = {}
    for rdef in defs:
        paths[rdef.name] = rdef.notebook_path(nb_dir)
        if not paths[rdef.name].is_file():
            raise ParameterError("report", f"{rdef.name!r} has no notebook ({paths[rdef.name]})")
    specs = {rdef.name: notebook_parameters(paths[rdef.name]) for rdef in defs}
    unknown = [k for k in extras if not any(k in s for s in specs.values())]
    if unknown:
        where = defs[0].name if len(defs) == 1 else "any selected report"
        known = sorted({n for s in specs.values() for n in s} - set(OPTION_NAMES) - set(RUNNER_ONLY))
        raise ParameterError(unknown[0], f"is not a parameter of {where}; known: {', '.join(known) or '(none)'}")

    # the notebooks' own parameters first: they need no settings, dates or imports
    cleaned = {rdef.name: _report_parameters(rdef, paths[rdef.name], specs[rdef.name], extras) for rdef in defs}
    settings = _resolve_settings(merged, environ)
    if merged.get("as_of"):
        as_of = parse_as_of(merged["as_of"])
    elif settings.source == "demo":
        as_of = _demo_as_of()
    else:
        as_of = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    window = _resolve_window(merged, as_of)
    rules = _alert_rules(merged.get("config_file"), alerts, registry)

    endpoint_parameter, kernel_env = _endpoint_parameter(settings.endpoint_url)
    common: dict[str, Any] = {
        "source": settings.source, "region": settings.region, "env": settings.env, "project": settings.project,
        "profile": settings.profile or "", "endpoint_url": endpoint_parameter,
        "config_file": str(Path(merged["config_file"]).expanduser().resolve()) if merged.get("config_file") else "",
        **window.as_parameters(), "as_of": _iso_z(as_of),
    }
    per_report = {rdef.name: {**{k: v for k, v in common.items() if k in specs[rdef.name]}, **cleaned[rdef.name]}
                  for rdef in defs}
    embedded = settings.source == "demo" and not merged.get("endpoint_url")
    return RunPlan(settings=settings, window=window, as_of=as_of, reports=defs, parameters=per_report,
                   notebooks=paths, embedded=embedded, kernel_env=kernel_env,
                   alerts=tuple(r for r in rules if r.report in per_report))


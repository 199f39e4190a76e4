"""The ``dynamo-reports`` command.

Exit status: 0 success; 1 a report that failed (its executed notebook is kept; 3 when the
endpoint failed it: unreachable, throttled beyond retries, a table gone); 2 bad
parameters or configuration (an alert rule, ``--publish``, a ``--notify`` secret missing from
the environment included); 3 endpoint, credentials or a missing table (or ``--publish`` could
not upload); 4 the reports ran and an alert rule fired (one line per fired rule on stderr).
When several apply, the first of 1, 3, 4 wins. A notice that cannot be delivered changes
nothing (it is logged and counted in run.json). Errors are one line on stderr, never a
traceback (``--debug`` shows it).

``run --all`` runs up to ``--jobs N`` reports at once (default: the machine's cores), each in
its own worker process and kernel, against one server (the embedded one started and seeded
once); a line is printed as each report starts and as it ends, with its time. A failed report
fails alone, and the exit status is the same as one after the other. The index is written once,
when every report has finished; notices and uploads follow it, report by report.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .exceptions import (
    ConfigError,
    DynamoReportsError,
    EndpointError,
    ParameterError,
    TableNotFoundError,
    ThrottlingError,
)
from .redaction import redact_text

if TYPE_CHECKING:
    from .config import Settings
    from .connection import Connection
    from .delivery.notify import Channel
    from .delivery.publish import Publisher
    from .plan import RunPlan
    from .reporting.kernels import EarlyKernel

log = logging.getLogger("dynamo_reports.cli")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENDPOINT, EXIT_ALERT = 0, 1, 2, 3, 4
PERIODS_HELP = "yesterday, last-7-days, last-30-days, month-to-date, previous-month, YYYY-MM, all"


def _jobs(value: str) -> int:
    """``--jobs``: a whole number >= 1 (argparse turns the error into one line, exit 2)."""
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of reports at once, at least 1; got {value!r}")
    return jobs


def default_jobs() -> int:
    """As many reports at once as the machine has cores."""
    return os.cpu_count() or 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        self.exit(EXIT_USAGE, f"dynamo-reports: error: {message}\n")


def _connection_options(p: argparse.ArgumentParser, *, with_source: bool = True) -> None:
    if with_source:
        p.add_argument("--source", choices=["demo", "aws"], default=None,
                       help="demo = embedded moto server with the demo dataset (default for run); "
                            "aws = boto3's credential chain")
    p.add_argument("--endpoint-url", default=None,
                   help="any DynamoDB-compatible endpoint (also AWS_ENDPOINT_URL_DYNAMODB)")
    p.add_argument("--region", default=None, help="AWS region (default eu-west-3)")
    p.add_argument("--profile", default=None, help="AWS profile")
    p.add_argument("--env", default=None, help="value of the {env} table-name placeholder (default dev)")
    p.add_argument("--project", default=None, help="value of the {project} placeholder (default trading-bot)")
    p.add_argument("--config", dest="config_file", default=None, help="TOML file: [tables] logical = physical name")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dynamo-reports", description="Reports over the DynamoDB tables of five serverless apps.")
    parser.add_argument("--version", action="version", version=f"dynamo-reports {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser("list", help="reports, their parameters and defaults")

    run = sub.add_parser("run", help="execute a report notebook and export HTML + summary.json")
    run.add_argument("report", nargs="?", help="report name (see `dynamo-reports list`)")
    run.add_argument("--all", action="store_true", help="run every available report")
    _connection_options(run)
    run.add_argument("--period", default=None, help=PERIODS_HELP)
    run.add_argument("--start", default=None, help="YYYY-MM-DD (inclusive)")
    run.add_argument("--end", default=None, help="YYYY-MM-DD (inclusive)")
    run.add_argument("--timezone", default=None, help="time zone in which periods are resolved (default UTC)")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="any other notebook parameter (repeatable)")
    run.add_argument("--output-dir", default="reports", help="default reports/")
    run.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                     help="with --all: reports run at once, each in its own kernel (default: the machine's "
                          f"cores, {default_jobs()} here)")
    run.add_argument("--notify", action="append", choices=["discord", "telegram"], default=[],
                     help="one notice per run (repeatable); secrets from DYNAMO_REPORTS_DISCORD_WEBHOOK, "
                          "DYNAMO_REPORTS_TELEGRAM_TOKEN and DYNAMO_REPORTS_TELEGRAM_CHAT_ID")
    run.add_argument("--publish", default=None, metavar="s3://BUCKET/PREFIX",
                     help="upload the run's HTML, latest.html and index.html (boto3 credentials, AWS_ENDPOINT_URL_S3)")
    run.add_argument("--presign", type=int, default=None, metavar="SECONDS",
                     help="with --publish: notices link a presigned URL valid this long (private buckets)")

    server = sub.add_parser("demo-server", help="keep the embedded DynamoDB up (for JupyterLab)")
    server.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0 = any free port; default 8000)")
    server.add_argument("--empty", action="store_true", help="create the tables but load no demo data")

    seed = sub.add_parser("seed", help="write the demo dataset into a local endpoint")
    _connection_options(seed, with_source=False)
    seed.add_argument("--allow-aws", action="store_true", help="allow writing to a real AWS endpoint")

    tables = sub.add_parser("tables", help="the table specs of all five systems")
    _connection_options(tables, with_source=False)
    tables.add_argument("--create", action="store_true", help="create every table on --endpoint-url")
    tables.add_argument("--allow-aws", action="store_true", help="allow creating tables on real AWS")
    tables.add_argument("--json", action="store_true", help="print the specs as JSON")

    lab = sub.add_parser("lab", help="JupyterLab on notebooks/ with the embedded demo DynamoDB running")
    lab.add_argument("--port", type=int, default=0, help="port of the embedded DynamoDB (default any free port)")
    _iam_policy_parser(sub)
    return parser


def console_main() -> int:
    """The ``dynamo-reports`` command (and ``python -m dynamo_reports``): :func:`main` on ``sys.argv``,
    in a process that ends without a last garbage collection."""
    from .reporting.worker import skip_final_collection

    skip_final_collection()
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.debug:  # nbconvert's "alternative text is missing" and papermill's chatter
        for noisy in ("traitlets", "papermill", "nbconvert"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    handler = {"list": cmd_list, "run": cmd_run, "demo-server": cmd_demo_server, "seed": cmd_seed,
               "tables": cmd_tables, "lab": cmd_lab, "iam-policy": cmd_iam_policy}[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        _forget_unhandled_interrupt()
        return 130
    except BrokenPipeError:  # `dynamo-reports list | head`
        return EXIT_OK
    except DynamoReportsError as e:
        if args.debug:
            raise
        print(f"dynamo-reports: error: {redact_text(str(e))}", file=sys.stderr)
        if isinstance(e, (ParameterError, ConfigError)):
            return EXIT_USAGE
        if isinstance(e, (EndpointError, TableNotFoundError, ThrottlingError)):  # throttled beyond retries: 3
            return EXIT_ENDPOINT
        return EXIT_FAILED


def _forget_unhandled_interrupt() -> None:
    """Let ``python -m dynamo_reports`` end with 130 after a Ctrl-C or SIGTERM it handled.

    CPython 3.11 marks a KeyboardInterrupt raised inside ``exec()`` of source text as unhandled
    even when a caller catches it, and ``python -m`` then ends the process by SIGINT (-2) instead
    of with its exit code. During start-up that is likely: dataclasses and namedtuples build their
    methods with ``exec()`` as a module is imported. A completed ``exec()`` clears the mark.
    """
    exec("pass")


# -- list / run -------------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    from .reporting.parameters import COMMON_PARAMETERS, notebook_parameters
    from .reporting.registry import REPORTS, notebooks_dir

    def show(name: str, spec: Any) -> None:
        note = f"   # {spec.help}" if getattr(spec, "help", "") else ""
        print(f"    {name:20} = {spec.default!r}{note}")

    common_shown = False
    for name, report in REPORTS.items():
        path = notebooks_dir() / report.notebook
        if not path.exists():
            print(f"{name:14} {report.title} — not available yet ({report.notebook} missing)")
            continue
        specs = notebook_parameters(path)
        if not common_shown:
            print("common parameters (every report; --source/--period/... set them, -p NAME VALUE the others):")
            for pname in COMMON_PARAMETERS:
                if pname in specs and pname != "summary_path":
                    show(pname, specs[pname])
            print()
            common_shown = True
        print(f"{name:14} {report.title} (source document {report.source_document}, notebooks/{report.notebook})")
        for pname, spec in specs.items():
            if pname not in COMMON_PARAMETERS:
                show(pname, spec)
    return EXIT_OK


def _settings_from(args: argparse.Namespace, *, source: str | None = None) -> Settings:
    from .config import load_settings

    return load_settings(source=source or getattr(args, "source", None), region=args.region, profile=args.profile,
                         endpoint_url=args.endpoint_url, env=args.env, project=args.project,
                         config_file=args.config_file)


def _check_output_dir(path: str) -> Path:
    """The output directory can be created or written to: checked before anything runs, creating
    nothing (a run that fails earlier leaves no trace)."""
    out = Path(path).expanduser().absolute()
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        what = "exists and is not a directory" if probe == out else f"cannot be created: {probe} is not a directory"
        raise ParameterError("output_dir", f"{out} {what}")
    if not os.access(probe, os.W_OK | os.X_OK) or str(probe).startswith(("/proc", "/sys")):
        raise ParameterError("output_dir", f"{out} is not writable ({probe} does not take new files)")
    return out


def cmd_run(args: argparse.Namespace) -> int:
    from .plan import build_plan
    from .reporting.registry import available_reports

    if bool(args.report) == bool(args.all):
        raise ParameterError("report", "give one report name or --all (see `dynamo-reports list`)")
    if args.period is not None and (args.start or args.end):
        raise ParameterError("period", "give either --period or --start/--end, not both")
    names = list(available_reports()) if args.all else [args.report]
    if not names:
        print("no reports yet")
        return EXIT_OK
    options = {"source": args.source, "endpoint_url": args.endpoint_url, "region": args.region,
               "profile": args.profile, "env": args.env, "project": args.project,
               "config_file": args.config_file, "period": args.period, "start": args.start, "end": args.end,
               "timezone": args.timezone}
    plan = build_plan(names, options, dict(args.parameter))
    _check_output_dir(args.output_dir)
    probe_timeout = _probe_timeout(os.environ)
    channels, publisher = _delivery_options(args)

    missing: dict[str, str] = {}
    if not plan.embedded:
        conn = _preflight(plan.settings, probe_timeout)
        for rdef in plan.reports:  # DescribeTable: not billed, and in the reports' read-only IAM policy
            try:
                for logical in rdef.tables:
                    conn.describe_table(logical)
            except TableNotFoundError as e:
                if not args.all:
                    raise
                missing[rdef.name] = str(e)  # --all: the other reports still run
        for name, why in missing.items():
            print(f"dynamo-reports: {name}: skipped: {redact_text(why)}", file=sys.stderr)
        plan = plan.without(missing)
    server = kernel = None
    jobs = args.jobs or default_jobs()
    os.environ.setdefault("DYNAMO_REPORTS_PROGRESS", "0")  # before any kernel starts: kernels copy it
    try:
        if plan.embedded:
            from .demo.server import EmbeddedDynamo

            print("starting the embedded DynamoDB with the demo dataset ...", file=sys.stderr)
            server = EmbeddedDynamo(region=plan.settings.region)
            plan = plan.with_endpoint(server.listen())  # the port is bound: the endpoint is known
        kernel = _early_kernel(plan, jobs)  # it starts while the tables are set up and the runner is imported
        if server is not None:
            server.start()
        code = _run_planned(plan, args.output_dir, channels=channels, publisher=publisher, jobs=jobs, kernel=kernel)
        kernel = None  # the runner's now: it runs the report in it, or shuts it down
        return EXIT_FAILED if missing else code
    finally:
        if kernel is not None:
            kernel.shutdown()
        if server is not None:
            server.stop()


def _early_kernel(plan: RunPlan, jobs: int) -> EarlyKernel | None:
    """The first report's kernel, started now, when the reports run one after the other in this
    process (with workers, each starts its own)."""
    if min(jobs, len(plan.names)) != 1:
        return None
    from .reporting.kernels import start_early

    return start_early(plan.notebooks[plan.names[0]], plan.kernel_env)


#: seconds the pre-flight check waits for each answer (default connection.PROBE_READ_TIMEOUT)
PROBE_TIMEOUT_VARIABLE = "DYNAMO_REPORTS_PROBE_TIMEOUT"


def _probe_timeout(environ: Mapping[str, str]) -> float:
    """The pre-flight check's read timeout: ``DYNAMO_REPORTS_PROBE_TIMEOUT`` seconds if set."""
    from .connection import PROBE_READ_TIMEOUT

    raw = environ.get(PROBE_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return PROBE_READ_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise ParameterError(PROBE_TIMEOUT_VARIABLE, f"must be a positive number of seconds, got {raw!r}")
    return value


def _preflight(settings: Settings, probe_timeout: float) -> Connection:
    """Fail fast, before any kernel starts: no credentials for AWS, or an unreachable endpoint
    (each of its two attempts waits ``probe_timeout`` seconds for an answer).
    Returns the connection for the table checks."""
    import boto3
    import botocore.exceptions

    from .connection import Connection
    from .exceptions import CredentialsError

    if settings.targets_aws:
        try:
            found = boto3.session.Session(profile_name=settings.profile or None).get_credentials()
        except botocore.exceptions.ProfileNotFound as e:
            raise CredentialsError(f"AWS profile {settings.profile!r} not found in ~/.aws/config") from e
        if found is None:
            raise CredentialsError("no AWS credentials found (profile, environment, SSO or role); "
                                   "set AWS_PROFILE or run `aws configure`, or use --source demo")
    conn = Connection(settings, read_timeout=probe_timeout)
    if not settings.targets_aws:  # a local endpoint: does it answer at all?
        conn.call("ListTables", Limit=1)
    return conn


def _delivery_options(args: argparse.Namespace) -> tuple[list[Channel], Publisher | None]:
    """``--notify`` secrets present in the environment, ``--publish`` a valid bucket and credentials
    found: checked before anything runs (exit 2, or 3 for missing credentials)."""
    from .delivery.notify import channels_from_env
    from .delivery.publish import Publisher

    channels = channels_from_env(args.notify, os.environ)
    if args.presign is not None and not args.publish:
        raise ParameterError("presign", "only makes sense with --publish")
    if not args.publish:
        return channels, None
    publisher = Publisher.from_url(args.publish, presign_seconds=args.presign)
    import boto3

    from .exceptions import CredentialsError

    if boto3.session.Session().get_credentials() is None:
        raise CredentialsError("--publish: no AWS credentials found for S3 (profile, environment, SSO or role)")
    return channels, publisher


#: errors raised inside a notebook that are the endpoint's, not the report's (exit 3, not 1)
ENDPOINT_ERROR_NAMES = frozenset({"EndpointError", "CredentialsError", "AccessDeniedError", "ThrottlingError",
                                  "TableNotFoundError"})


def _seconds(seconds: float) -> str:
    """A duration for the progress lines: ``12.3 s`` or ``2 min 05 s``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s"


HEARTBEAT_SECONDS = 15.0


@contextlib.contextmanager
def _heartbeat(running: dict[str, float], every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """While reports run, a line every ``every`` seconds saying which, and for how long, so a
    long report (a real table's capacity scan) is never a silent terminal."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            now = time.monotonic()
            busy = ", ".join(f"{name} for {_seconds(now - since)}" for name, since in list(running.items()))
            if busy:
                print(f"  … still running: {busy}", flush=True)

    thread = threading.Thread(target=beat, name="dynamo-reports-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


def _run_planned(plan: RunPlan, output_dir: str, *, channels: Sequence[Channel] = (),
                 publisher: Publisher | None = None, jobs: int = 1, kernel: EarlyKernel | None = None) -> int:
    from .delivery.after_run import deliver
    from .reporting.runner import ReportOutcome, run_reports

    alerts = publish_failures = 0
    started_all = time.monotonic()
    total = len(plan.names)
    begun: list[str] = []
    running: dict[str, float] = {}  # report -> when it started, while it runs (for the heartbeat)

    def on_start(name: str) -> None:
        begun.append(name)
        running[name] = time.monotonic()
        print(f"[{len(begun)}/{total}] {name}: running…", flush=True)

    def on_end(outcome: ReportOutcome) -> None:
        nonlocal alerts
        running.pop(outcome.report, None)
        name, took = outcome.report, _seconds(outcome.seconds)
        if outcome.ok and outcome.result is not None:
            print(f"{name}: {outcome.result.html_path} ({took})", flush=True)
            for fired in outcome.result.fired_alerts:
                alerts += 1
                print(f"dynamo-reports: {name}: ALERT {redact_text(fired.message)}", file=sys.stderr)
        else:
            where = f" (executed notebook kept in {outcome.run_dir})" if outcome.run_dir else ""
            print(f"dynamo-reports: {name}: FAILED after {took}: {redact_text(outcome.error or '')}{where}",
                  file=sys.stderr, flush=True)

    with _heartbeat(running):
        outcomes = run_reports(plan, output_dir, jobs=jobs, on_start=on_start, on_end=on_end, kernel=kernel)
    for outcome in outcomes if channels or publisher is not None else ():  # after the index: it is uploaded too
        run_dir = outcome.result.run_dir if outcome.result is not None else outcome.run_dir
        error = None if outcome.ok else redact_text(outcome.error or "")
        done = deliver(outcome.report, output_dir, run_dir, channels=channels, publisher=publisher, error=error)
        if done.publish_error:
            publish_failures += 1
            print(f"dynamo-reports: {outcome.report}: publish FAILED: {redact_text(done.publish_error)}",
                  file=sys.stderr)
        elif publisher is not None and done.link:
            print(f"{outcome.report}: published {redact_text(done.link)}")
    if len(outcomes) > 1:
        print("times: " + ", ".join(f"{o.report} {_seconds(o.seconds)}{'' if o.ok else ' FAILED'}" for o in outcomes))
    at_once = f", {min(jobs, total)} at once" if len(outcomes) > 1 else ""
    print(f"total: {_seconds(time.monotonic() - started_all)} for {len(outcomes)} report(s){at_once}", flush=True)
    index = Path(output_dir) / "index.html"
    if index.exists():
        print(f"index: {index.resolve()}")
    if publisher is not None and not publish_failures:
        print(f"published to {publisher.url}/ ({len(set(publisher.uploaded))} object(s) uploaded)")
    failures = [o for o in outcomes if not o.ok]
    if failures:  # the endpoint went away or throttled beyond retries in every failed run: exit 3
        endpoint = all(o.ename in ENDPOINT_ERROR_NAMES for o in failures)
        return EXIT_ENDPOINT if endpoint else EXIT_FAILED
    if publish_failures:
        return EXIT_ENDPOINT
    return EXIT_ALERT if alerts else EXIT_OK


# -- servers, tables, seed ----------------------------------------------------------------------

class _StopEvent(threading.Event):
    """Set by Ctrl-C or SIGTERM. Until ``waiting`` is true (start-up), the signal also raises
    KeyboardInterrupt, so a start-up that blocks or takes long is interrupted, never ignored."""

    waiting = False


def _stop_event() -> _StopEvent:
    """An event set by Ctrl-C or SIGTERM (installed before anything starts: no race)."""
    stop = _StopEvent()

    def on_signal(*_: Any) -> None:
        stop.set()
        if not stop.waiting:
            raise KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    return stop


def cmd_demo_server(args: argparse.Namespace) -> int:
    from .demo.server import EmbeddedDynamo

    stop = _stop_event()
    with EmbeddedDynamo(port=args.port, seed=not args.empty) as server:
        counts = ", ".join(f"{k} {v}" for k, v in server.seed_summary.items()) or "no demo data"
        print(f"embedded DynamoDB (moto server) listening on {server.endpoint_url}")
        print(f"tables created and loaded: {counts}")
        print("use it from a shell or a notebook kernel:")
        print(f"    export AWS_ENDPOINT_URL_DYNAMODB={server.endpoint_url} "
              "AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_DEFAULT_REGION=eu-west-3")
        print(f"    dynamo-reports run pnl --source aws --endpoint-url {server.endpoint_url}")
        stop.waiting = True  # started: from now on a signal only sets the event (before the line tests wait for)
        print("stop with Ctrl-C", flush=True)
        while not stop.wait(timeout=1.0):  # a timed wait: the signal handler always gets its turn
            pass
    print("embedded DynamoDB stopped")
    return EXIT_OK


def _refuse_aws(settings, allow_aws: bool, what: str) -> None:
    if settings.targets_aws and not allow_aws:
        where = settings.endpoint_url or f"AWS {settings.region}"
        raise ParameterError("endpoint_url", f"{what} would write to real AWS ({where}); "
                                             "pass --endpoint-url of a local endpoint, or --allow-aws")


def cmd_tables(args: argparse.Namespace) -> int:
    from .systems import ALL_TABLES, SYSTEMS

    settings = _settings_from(args, source="aws")
    if args.create:
        from .connection import Connection
        from .systems import create_tables

        _refuse_aws(settings, args.allow_aws, "tables --create")
        conn = Connection(settings)
        existing = _existing_tables(conn)
        for name in create_tables(conn, ALL_TABLES):
            print(f"{'exists ' if name in existing else 'created'} {name}")
        return EXIT_OK
    if args.json:
        print(json.dumps([{**s.describe(), "table_name": settings.table_name(s.logical)} for s in ALL_TABLES],
                         indent=2))
        return EXIT_OK
    for doc, module in SYSTEMS.items():
        print(f"{doc} {module.TITLE}")
        for spec in module.TABLES:
            keys = spec.hash_key + (f" / {spec.range_key}" if spec.range_key else "")
            print(f"  {settings.table_name(spec.logical)}  (logical {spec.logical}; {spec.billing_mode})")
            print(f"      key: {keys}    {spec.description}")
            for idx in spec.indexes:
                ikeys = idx.hash_key + (f" / {idx.range_key}" if idx.range_key else "")
                print(f"      GSI {idx.name}: {ikeys}  projection {idx.projection}")
            if spec.ttl_attribute:
                print(f"      TTL attribute: {spec.ttl_attribute}")
    return EXIT_OK


def _existing_tables(conn) -> set[str]:
    """Every table name on the endpoint (ListTables, paginated)."""
    names: set[str] = set()
    params: dict[str, Any] = {}
    while True:
        page = conn.call("ListTables", **params)
        names.update(page.get("TableNames", []))
        if not page.get("LastEvaluatedTableName"):
            return names
        params["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]


def cmd_seed(args: argparse.Namespace) -> int:
    settings = _settings_from(args, source="aws")
    _refuse_aws(settings, args.allow_aws, "seed")
    from .connection import Connection
    from .demo.dataset import load_demo_dataset
    from .systems import ALL_TABLES, create_tables

    conn = Connection(settings)
    create_tables(conn, ALL_TABLES)
    counts = load_demo_dataset(conn)
    for logical, n in counts.items():
        print(f"{settings.table_name(logical)}: {n} items")
    return EXIT_OK


def _iam_policy_parser(sub: Any) -> None:
    iam = sub.add_parser("iam-policy", help="the read-only IAM policy of report runs, for the configured table names")
    iam.add_argument("--config", dest="config_file", default=None, help="TOML file: [tables] logical = physical name")
    iam.add_argument("--env", default=None, help="value of the {env} table-name placeholder (default dev)")
    iam.add_argument("--project", default=None, help="value of the {project} placeholder (default trading-bot)")
    iam.add_argument("--region", default=None, help="AWS region of the tables (default eu-west-3)")


def cmd_iam_policy(args: argparse.Namespace) -> int:
    """Print the policy JSON (docs/iam/reports-readonly-policy.json is the one for the defaults)."""
    from .config import load_settings
    from .iam import policy_json

    settings = load_settings(source="aws", region=args.region, env=args.env, project=args.project,
                             config_file=args.config_file)
    sys.stdout.write(policy_json(settings))
    return EXIT_OK


def cmd_lab(args: argparse.Namespace) -> int:
    from .demo.server import EmbeddedDynamo
    from .reporting.registry import notebooks_dir

    notebooks = notebooks_dir()
    with EmbeddedDynamo(port=args.port) as server:
        env = {**os.environ, **server.environment()}
        print(f"embedded DynamoDB on {server.endpoint_url}; starting JupyterLab in {notebooks}", flush=True)
        command = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={notebooks}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
            command.append("--allow-root")
        proc = subprocess.Popen(command, env=env)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

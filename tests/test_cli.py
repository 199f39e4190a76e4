"""The dynamo-reports command: tables, seed, demo-server, error handling."""

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dynamo_reports.cli import main
from harness import CliResult, cli


def test_tables_lists_every_spec(capsys):
    assert main(["tables", "--env", "prod"]) == 0
    out = capsys.readouterr().out
    for name in ("solanashares-logistic", "discord-bot-config", "trading-bot-prod-trades",
                 "commercive-leads-prod", "flavaflav-lists-prod"):
        assert name in out
    assert "GSI WalletAddressIndex: GSI_PK / GSI_SK  projection ALL" in out
    assert "TTL attribute: ttl" in out


def test_tables_json(capsys):
    assert main(["tables", "--json"]) == 0
    specs = json.loads(capsys.readouterr().out)
    # 000:1 + 001:1 + 002:3 + 003:5 + 004:4 = 14 tables
    assert len(specs) == 14
    trades = next(s for s in specs if s["logical"] == "trades")
    assert [i["name"] for i in trades["indexes"]] == ["gsi1-symbol-date", "gsi2-date", "gsi3-status"]


@pytest.mark.parametrize("argv", [["seed"], ["tables", "--create"],
                                  ["seed", "--endpoint-url", "https://dynamodb.eu-west-3.amazonaws.com"]])
def test_writes_to_real_aws_are_refused(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--allow-aws" in err and err.count("\n") == 1


def test_tables_create_and_seed_on_a_local_endpoint(empty_moto, capsys):
    server = empty_moto  # this process's moto server, emptied (not a second server of its own)
    assert main(["tables", "--create", "--endpoint-url", server.endpoint_url, "--env", "clitest"]) == 0
    out = capsys.readouterr().out
    assert "created commercive-leads-clitest" in out
    conn = server.connect()
    names = conn.call("ListTables")["TableNames"]
    assert "flavaflav-distributions-clitest" in names


def test_unreachable_endpoint_is_one_line_exit_3(capsys):
    code = main(["tables", "--create", "--endpoint-url", "http://127.0.0.1:9", "--env", "x"])
    err = capsys.readouterr().err
    assert code == 3 and "cannot reach http://127.0.0.1:9" in err and "Traceback" not in err


def test_bad_config_file_exit_2(tmp_path, capsys):
    assert main(["tables", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "config_file" in capsys.readouterr().err


def test_demo_server_starts_and_stops_cleanly(monkeypatch):
    """Ctrl-C (a real SIGINT) once it listens: exit 0, "stopped". In this process; the exit
    statuses of the real process are the start-up tests' (below)."""
    result = _demo_server_stopped_by(signal.SIGINT, monkeypatch)
    endpoint = next(line.split()[-1] for line in result.out.splitlines() if "listening on" in line)
    assert endpoint.startswith("http://127.0.0.1:")
    assert result.code == 0 and "stopped" in result.out


def test_failed_run_through_the_cli_keeps_the_last_good_report(tmp_path, demo_endpoint):
    """A notebook that raises: exit 1, failed run in the index, latest.html byte-identical."""
    import shutil

    fixtures = Path(__file__).parent / "fixtures" / "notebooks"
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    out = tmp_path / "reports"

    def run():
        return cli("run", "pnl", "--endpoint-url", demo_endpoint, "--output-dir", out,
                   env={"DYNAMO_REPORTS_NOTEBOOKS": str(nbdir)})

    shutil.copy(fixtures / "sample_report.ipynb", nbdir / "pnl_report.ipynb")
    good = run()
    assert good.code == 0, good.err
    latest = (out / "pnl" / "latest.html").read_bytes()

    shutil.copy(fixtures / "failing_report.ipynb", nbdir / "pnl_report.ipynb")
    bad = run()
    assert bad.code == 1
    assert "FAILED" in bad.err and "ValueError" in bad.err
    assert (out / "pnl" / "latest.html").read_bytes() == latest
    runs = sorted(p for p in (out / "pnl").iterdir() if p.is_dir())
    assert len(runs) == 2
    statuses = sorted(json.loads((r / "run.json").read_text())["status"] for r in runs)
    assert statuses == ["failed", "ok"]
    failed_dir = next(r for r in runs if json.loads((r / "run.json").read_text())["status"] == "failed")
    assert (failed_dir / "report.ipynb").exists()  # the executed notebook is kept, failing cell marked
    index = (out / "index.html").read_text()
    assert "failed" in index.lower()


def test_missing_credentials_fail_before_any_kernel(tmp_path, monkeypatch, capsys):
    # No credential anywhere in boto3's chain: exit 3, one line, nothing written.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["run", "pnl", "--source", "aws", "--output-dir", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert "no AWS credentials found" in err and err.count("\n") == 1
    assert main(["run", "pnl", "--source", "aws", "--profile", "nope", "--output-dir", str(tmp_path / "out")]) == 3
    assert "profile 'nope' not found" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_unreachable_endpoint_fails_before_any_kernel(tmp_path, capsys):
    code = main(["run", "pnl", "--source", "aws", "--endpoint-url", "http://127.0.0.1:9",
                 "--output-dir", str(tmp_path / "out")])
    assert code == 3 and "cannot reach http://127.0.0.1:9" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.kernel
def test_all_skips_reports_whose_tables_are_missing(tmp_path, empty_moto):
    """--all on an endpoint holding only the 001 table: bot-config runs, the others are skipped
    with one line each naming the missing table, and the exit status says something was skipped."""
    from dynamo_reports.systems import create_table, discord_config

    create_table(empty_moto.connect(), discord_config.CONFIG)
    proc = cli("run", "--all", "--source", "aws", "--endpoint-url", empty_moto.endpoint_url,
               "--region", empty_moto.region, "--period", "all", "-p", "replay_events", "0",
               "--jobs", "1", "--output-dir", tmp_path)
    assert proc.code == 1
    assert "pnl: skipped: table 'trading-bot-dev-trades'" in proc.err
    assert "participants: skipped: table 'solanashares-logistic'" in proc.err
    assert (tmp_path / "bot-config" / "latest.html").exists()
    assert not (tmp_path / "pnl").exists()


@pytest.mark.parametrize("argv", [["seed", "--endpoint-url", "https://dynamodb.eu-west-3.amazonaws.com."],
                                  ["tables", "--create", "--endpoint-url", "https://dynamodb.eu-west-3.api.aws"]])
def test_writes_to_fully_qualified_and_dual_stack_aws_are_refused(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--allow-aws" in err and err.count("\n") == 1


def test_demo_server_on_a_busy_port_exits_2_at_once():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = cli("demo-server", "--port", str(port))  # it used to hang forever
    assert proc.code == 2
    assert proc.err.count("\n") == 1 and f"127.0.0.1:{port}" in proc.err and "in use" in proc.err
    assert "Traceback" not in proc.err and proc.out == ""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_demo_server_stops_on_a_signal_during_start_up(sig):
    """The signal arrives once the server listens but before the demo dataset is loaded."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "dynamo_reports", "demo-server", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # at most ~60 s: until the port accepts (tables and data come after)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert "listening" not in out  # it was still starting
    # stopped by the signal: exit 130, or (a signal landing while the interpreter finalizes,
    # when Python has restored the default handler) killed by it -- a shell shows both as 130
    assert proc.returncode in (130, -sig) and "Traceback" not in err


def test_a_caught_interrupt_still_exits_130_under_python_m(tmp_path):
    # CPython 3.11 marks a KeyboardInterrupt raised inside exec() of source text (as dataclasses
    # build their methods while a module is imported) as unhandled even once it is caught; under
    # `python -m` the process then ends killed by SIGINT (-2), whatever its exit code. That is what
    # made `python -m dynamo_reports demo-server` sent SIGTERM during start-up end -2 now and then.
    (tmp_path / "interrupted.py").write_text(
        "import sys\n"
        "from dynamo_reports.cli import _forget_unhandled_interrupt\n"
        "try:\n"
        "    exec('import os, signal, time\\nos.kill(os.getpid(), signal.SIGINT)\\ntime.sleep(5)')\n"
        "except KeyboardInterrupt:\n"
        "    if sys.argv[1:] == ['forget']:\n"
        "        _forget_unhandled_interrupt()\n"
        "sys.exit(130)\n")

    def exit_code(*argv: str) -> int:
        return subprocess.run([sys.executable, "-m", "interrupted", *argv], cwd=tmp_path, timeout=60).returncode

    if sys.version_info[:2] == (3, 11):  # the problem itself, on the Python this project runs on
        assert exit_code() == -signal.SIGINT
    assert exit_code("forget") == 130


def test_a_demo_set_up_that_fails_leaves_nothing_listening(monkeypatch):
    import socket

    from dynamo_reports.demo import dataset
    from dynamo_reports.demo.server import EmbeddedDynamo

    def broken(*_args, **_kwargs):
        raise MemoryError("no room for the demo dataset")

    monkeypatch.setattr(dataset, "load_demo_dataset", broken)
    server = EmbeddedDynamo(port=0)
    with pytest.raises(MemoryError):
        server.start()
    assert server.endpoint_url is None
    with socket.socket() as again:  # the port it had bound is free again
        again.bind(("127.0.0.1", server.port))


def _demo_server_stopped_by(sig: signal.Signals, monkeypatch) -> CliResult:
    """``dynamo-reports demo-server --port 0 --empty`` in this process, sent a real ``sig`` (to this
    process) once the server listens; the command's signal handlers are put back afterwards."""
    import os
    import threading

    import dynamo_reports.cli as cli_module

    events: list = []
    make_event = cli_module._stop_event

    def recording():
        events.append(make_event())
        return events[-1]

    monkeypatch.setattr(cli_module, "_stop_event", recording)
    sent: list[bool] = []

    def stop_once_listening() -> None:
        deadline = time.monotonic() + 60
        while not (events and events[0].waiting) and time.monotonic() < deadline:
            time.sleep(0.01)
        if events and events[0].waiting:
            os.kill(os.getpid(), sig)  # handled by the command's handler
            sent.append(True)
        elif events:
            events[0].set()  # never came up: release it, the caller's assertions fail

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=stop_once_listening, daemon=True)
    thread.start()
    try:
        result = cli("demo-server", "--port", "0", "--empty")
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        thread.join(timeout=60)
    assert sent == [True], result
    return result


def test_demo_server_stops_on_sigterm(monkeypatch):
    """A real SIGTERM once the server listens stops it, and the command returns 0."""
    result = _demo_server_stopped_by(signal.SIGTERM, monkeypatch)
    assert result.code == 0 and "listening on http://127.0.0.1:" in result.out
    assert result.out.rstrip().endswith("embedded DynamoDB stopped") and result.err == ""


def test_heartbeat_names_the_reports_still_running(capsys):
    """While a report runs, a line now and then names it; nothing once the runs are over."""
    import dynamo_reports.cli as cli_module

    running = {"capacity": time.monotonic() - 75}  # started 75 s ago
    with cli_module._heartbeat(running, every=0.01):
        deadline = time.monotonic() + 30
        while "still running" not in (seen := capsys.readouterr().out) and time.monotonic() < deadline:
            time.sleep(0.01)
    assert re.search(r"^  … still running: capacity for 1 min 1\d s$", seen, re.M), seen
    capsys.readouterr()
    time.sleep(0.1)
    assert capsys.readouterr().out == ""  # stopped with the runs

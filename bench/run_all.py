"""Wall time of the report pipeline against its floor, side by side, from one run.

Rows (each a fresh command, as a user would type it):

- **floor**: ``jupyter nbconvert --execute --to html`` on a one-cell notebook (kernel start,
  one cell, HTML export): the least any executed-and-exported notebook costs;
- **pipeline floor**: ``dynamo-reports run pnl`` on a notebook holding only the parameters cell
  and a summary write (embedded server seeded, kernel, papermill, our export, index): what the
  project adds before a report does any work;
- **pnl**: ``dynamo-reports run pnl --source demo`` (the old bench/report_runtime.py's row:
  its ratio to the pipeline floor is the project's own overhead-free cost of a report);
- **capacity**: ``dynamo-reports run capacity --source demo``;
- **run --all**: ``dynamo-reports run --all --source demo`` (``--jobs``: default the CLI's, the
  machine's cores).

Issue 14's targets: run --all at most 6x the floor, capacity at most 2x. Measured, not asserted.

Each row also gives the CPU seconds of the command's whole process tree (the command, its worker
processes and kernels, as each is reaped): on a shared machine the wall time moves with the load,
the CPU time much less, so compare runs made under different loads by it.

    .venv/bin/python bench/run_all.py [--repeat 3] [--jobs N] [--skip-all]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def one_cell_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def parameters_only_notebook(directory: Path) -> None:
    """The pnl notebook's parameters cell and a summary write, saved as the pnl report's notebook."""
    source = nbformat.read(ROOT / "notebooks" / "pnl_report.ipynb", as_version=4)
    params = next(c for c in source.cells if "parameters" in c.metadata.get("tags", []))
    body = nbformat.v4.new_code_cell(
        "from dynamo_reports.reporting.summary import write_summary\n"
        "write_summary({}, summary_path) if summary_path else None")
    nbformat.write(nbformat.v4.new_notebook(cells=[params, body], metadata=source.metadata),
                   directory / "pnl_report.ipynb")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the command and every descendant it reaped) of one run."""
    cpu, started = _children_cpu(), time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:6])} ...: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each floor (median shown; default 3)")
    parser.add_argument("--jobs", type=int, default=None, help="run --all's --jobs (default: the CLI's)")
    parser.add_argument("--skip-all", action="store_true", help="leave out the run --all row")
    args = parser.parse_args()
    if args.repeat < 1:
        raise SystemExit("run_all.py: error: --repeat: expected a whole number >= 1")
    cli = [sys.executable, "-m", "dynamo_reports", "run"]
    env = {**os.environ, "DYNAMO_REPORTS_PROGRESS": "0"}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows: list[tuple[str, list[tuple[float, float]]]] = []
    with tempfile.TemporaryDirectory(prefix="dr-bench-") as tmp:
        work = Path(tmp)
        nb = one_cell_notebook(work / "one_cell.ipynb")
        rows.append(("floor: nbconvert --execute --to html, one cell", [
            timed([sys.executable, "-m", "jupyter", "nbconvert", "--execute", "--to", "html",
                   "--output", f"one_cell_{i}", str(nb)], env) for i in range(args.repeat)]))
        nbdir = work / "notebooks"
        nbdir.mkdir()
        parameters_only_notebook(nbdir)
        floor_env = {**env, "DYNAMO_REPORTS_NOTEBOOKS": str(nbdir)}
        rows.append(("pipeline floor: run pnl, parameters cell only", [
            timed(cli + ["pnl", "--output-dir", str(work / f"floor-{i}")], floor_env) for i in range(args.repeat)]))
        rows.append(("pnl: run pnl --source demo", [
            timed(cli + ["pnl", "--source", "demo", "--output-dir", str(work / "pnl")], env, ok=(0, 4))]))
        rows.append(("capacity: run capacity --source demo", [
            timed(cli + ["capacity", "--source", "demo", "--output-dir", str(work / "capacity")], env, ok=(0, 4))]))
        if not args.skip_all:
            jobs = ["--jobs", str(args.jobs)] if args.jobs else []
            rows.append((f"run --all --source demo{' --jobs ' + str(args.jobs) if args.jobs else ''}", [
                timed(cli + ["--all", "--source", "demo", "--output-dir", str(work / "all"), *jobs], env, ok=(0, 4))]))

    def wall(runs: list[tuple[float, float]]) -> list[float]:
        return [w for w, _ in runs]

    floor, own_floor = statistics.median(wall(rows[0][1])), statistics.median(wall(rows[1][1]))
    targets = {"capacity": "<= 2x", "run --all": "<= 6x"}
    print(f"{'pipeline':50} {'runs':>4} {'median s':>9} {'min s':>7} {'x floor':>8} {'target':>7} "
          f"{'x pipeline floor':>17} {'cpu s':>6}")
    for label, runs in rows:
        target = next((t for key, t in targets.items() if label.startswith(key)), "")
        median = statistics.median(wall(runs))
        cpu = statistics.median(c for _, c in runs)
        print(f"{label:50} {len(runs):4d} {median:9.1f} {min(wall(runs)):7.1f} {median / floor:8.2f} {target:>7} "
              f"{median / own_floor:17.2f} {cpu:6.1f}")
    print(f"(cpu cores: {os.cpu_count()}; load average at the start: {load_before}, "
          f"at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")


if __name__ == "__main__":
    main()

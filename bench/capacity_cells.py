"""Where the capacity report's time goes: seconds per notebook cell, from one run.

Runs ``dynamo-reports run capacity --source demo`` into a temporary directory (or reads an
executed ``report.ipynb`` given with ``--notebook``) and prints papermill's own duration of each
code cell (``metadata.papermill.duration``), the run's wall time and the load average before
and after (the machine is shared: a number without its load means little).

On a new run it also prints each cell's CPU seconds in the kernel (wall time moves with the
load, CPU time much less) and the CPU of the whole command: the kernel is given an IPython
start-up file (a temporary ``IPYTHONDIR``) that appends the kernel's CPU time after each cell to
a file; nothing reaches the notebook. The kernel's CPU leaves out the embedded server (in the
command's process) and the command itself.

    .venv/bin/python bench/capacity_cells.py [--notebook reports/capacity/<run>/report.ipynb] [-p NAME VALUE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cell_rows(notebook: Path) -> list[tuple[int, float, str]]:
    """(cell index, seconds, first line of the source) of every executed cell."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    rows = []
    for index, cell in enumerate(nb["cells"]):
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell["cell_type"] != "code" or duration is None:
            continue
        lines = "".join(cell["source"]).strip().splitlines()
        rows.append((index, float(duration), lines[0] if lines else ""))
    return rows


#: IPython start-up file: the kernel's CPU seconds at start and after each cell, a line each, to $CAPACITY_CELLS_CPU_LOG
CPU_HOOK = """
import os, resource
def _capacity_cells_cpu(result, _path=os.environ.get("CAPACITY_CELLS_CPU_LOG")):
    if _path:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        with open(_path, "a", encoding="utf-8") as log:
            log.write(f"{usage.ru_utime + usage.ru_stime}\\n")
_capacity_cells_cpu(None)  # before the first cell
get_ipython().events.register("post_run_cell", _capacity_cells_cpu)
"""


def run_report(params: list[list[str]]) -> tuple[Path, float, str, str, list[float], float]:
    """One run; its executed notebook, wall seconds, load before and after, the kernel's CPU seconds
    after each cell it ran, and the CPU seconds of the command's whole process tree."""
    out = Path(tempfile.mkdtemp(prefix="capacity-cells-"))
    startup = out / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-capacity-cells-cpu.py").write_text(CPU_HOOK, encoding="utf-8")
    cpu_log = out / "kernel-cpu.log"
    command = [str(ROOT / ".venv" / "bin" / "dynamo-reports"), "run", "capacity", "--source", "demo",
               "--output-dir", str(out)]
    for name, value in params:
        command += ["-p", name, value]
    env = {**os.environ, "DYNAMO_REPORTS_PROGRESS": "0", "IPYTHONDIR": str(out / "ipython"),
           "CAPACITY_CELLS_CPU_LOG": str(cpu_log)}
    before = load_average()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    tree_cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    notebook = next(out.glob("capacity/*/report.ipynb"))
    kernel_cpu = [float(line) for line in cpu_log.read_text(encoding="utf-8").split()] if cpu_log.exists() else []
    return notebook, wall, before, load_average(), kernel_cpu, tree_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, help="an executed report.ipynb instead of a new run")
    parser.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a notebook parameter for the run")
    args = parser.parse_args()
    if args.notebook and args.p:
        parser.error("-p: only for a new run, not with --notebook")
    kernel_cpu: list[float] = []
    tree_cpu = None
    if args.notebook:
        notebook, wall, before, after = args.notebook, None, "", ""
    else:
        notebook, wall, before, after, kernel_cpu, tree_cpu = run_report(args.p)
    rows = cell_rows(notebook)
    # the hook's first line is written at the kernel's start, then one line after each code cell run
    cpu = [b - a for a, b in zip(kernel_cpu, kernel_cpu[1:], strict=False)]
    cpu = cpu[-len(rows):] if len(cpu) >= len(rows) else []
    print(f"{'cell':>4}  {'seconds':>7}  {'cpu s':>6}  source")
    for n, (index, seconds, first) in enumerate(rows):
        used = f"{cpu[n]:6.2f}" if cpu else f"{'':>6}"
        print(f"{index:>4}  {seconds:7.2f}  {used}  {first[:64]}")
    total_cpu = f"{sum(cpu):6.2f}" if cpu else f"{'':>6}"
    print(f"{'':>4}  {sum(s for _, s, _ in rows):7.2f}  {total_cpu}  all cells (papermill; kernel CPU)")
    if wall is not None:
        print(f"\n`run capacity --source demo`: {wall:.1f} s wall, {tree_cpu:.1f} s CPU (command, server, kernel); "
              f"kernel {kernel_cpu[-1] if kernel_cpu else float('nan'):.1f} s CPU in all; "
              f"load average {before} before, {after} after")
    print(f"notebook: {notebook}", file=sys.stderr)


if __name__ == "__main__":
    main()

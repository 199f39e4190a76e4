"""The runner's papermill engine: the output notebook written at the start, at most every
SAVE_EVERY seconds while it runs, and at the end however the run ends. No kernel: the engine's
execution step is replaced by a scripted one that moves a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from papermill.engines import papermill_engines

from dynamo_reports.reporting import engine
from dynamo_reports.reporting.engine import ENGINE_NAME, SAVE_EVERY, SparseSaveEngine, SparseSaveManager

T0 = datetime(2026, 3, 15, 8, 0, tzinfo=UTC)


def _notebook(cells: int):
    nb = new_notebook(cells=[new_code_cell(f"x = {i}") for i in range(cells)])
    nb.metadata.papermill = {}  # papermill's prepare_notebook_metadata sets it before the engine runs
    return nb


class _Scripted(SparseSaveEngine):
    """Runs each cell by moving the clock by ``steps[i]`` seconds and giving it one output;
    raises ``fail_at``'s exception when that cell starts (a timeout or a dead kernel)."""

    steps: list[float] = []
    fail_at: int | None = None
    clock = [T0]

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        for index, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, index)
            if index == cls.fail_at:
                raise TimeoutError("Cell execution timed out")
            cls.clock[0] += timedelta(seconds=cls.steps[index])
            cell.outputs = [new_output("stream", name="stdout", text=f"cell {index}\n")]
            nb_man.cell_complete(cell, index)


@pytest.fixture
def scripted(monkeypatch, tmp_path):
    writes: list[int] = []  # how many cells had an output at each write
    real_write = engine.NotebookExecutionManager.save

    def counting_save(self, **kwargs):
        if self.output_path:
            writes.append(sum(1 for c in self.nb.cells if c.outputs))
        real_write(self, **kwargs)

    _Scripted.clock = [T0]
    monkeypatch.setattr(engine.NotebookExecutionManager, "save", counting_save)
    monkeypatch.setattr(SparseSaveManager, "now", lambda self: _Scripted.clock[0])
    return writes, tmp_path / "out.ipynb"


def test_registered_with_papermill_under_its_name():
    assert papermill_engines.get_engine(ENGINE_NAME) is SparseSaveEngine


def test_a_quick_run_is_written_at_the_start_and_at_the_end(scripted):
    writes, out = scripted
    # 30 cells of 0.2 s: 6 s in all, never SAVE_EVERY (10 s) since the first write. papermill's own
    # manager would write 1 + 2 x 30 = 61 times; this one writes at the start (no output yet) and at
    # the end (30 outputs).
    _Scripted.steps, _Scripted.fail_at = [0.2] * 30, None
    _Scripted.execute_notebook(_notebook(30), "python3", output_path=str(out))
    assert writes == [0, 30]
    assert len(nbformat.read(out, as_version=4).cells[29].outputs) == 1


def test_a_long_run_is_written_every_save_every_seconds(scripted):
    writes, out = scripted
    assert SAVE_EVERY == 10.0
    # cells of 4 s: 0 -> 4 -> 8 -> 12 -> 16 -> 20 -> 24. Written at the start (t=0, no output);
    # cell 2 completes at t=12, 12 s >= 10 after the last write: written with 3 outputs; cell 5
    # completes at t=24 (12 s later; cell 5's start at t=20 was 8 s after): 6 outputs; the end: 6.
    _Scripted.steps, _Scripted.fail_at = [4.0] * 6, None
    _Scripted.execute_notebook(_notebook(6), "python3", output_path=str(out))
    assert writes == [0, 3, 6, 6]


def test_a_run_that_times_out_is_still_written_with_what_it_did(scripted):
    writes, out = scripted
    # cells 0 and 1 complete (1 s each), cell 2 times out: the final write still happens and holds
    # the two outputs, the notebook the runner exports with its FAILED banner.
    _Scripted.steps, _Scripted.fail_at = [1.0] * 4, 2
    with pytest.raises(TimeoutError):
        _Scripted.execute_notebook(_notebook(4), "python3", output_path=str(out))
    assert writes == [0, 2]
    cells = nbformat.read(out, as_version=4).cells
    assert [len(c.outputs) for c in cells] == [1, 1, 0, 0]
    assert cells[2].metadata.papermill["status"] == "running"  # where it stopped

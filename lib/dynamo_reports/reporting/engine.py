"""The papermill engine the runner executes reports with: nbclient's, with fewer notebook writes.

papermill's own engine writes the whole output notebook (JSON, after nbformat validates it) when
each cell starts and again when it ends: about 60 writes for a report of 30 cells, each growing
with the outputs and charts above it (20 ms for the P&L report's last ones, about 1 s of CPU a
run). This engine is the same nbclient engine, executing the same cells with the same kernel, and
writes the notebook when the run starts, while it runs at most once every :data:`SAVE_EVERY`
seconds (at a cell's start or end, as papermill does), and when it ends, however it ends: every
cell done, an error, a timeout or a dead kernel (papermill's ``notebook_complete``). A report that
takes minutes can still be watched; a report of seconds is written twice.

>>> import papermill
>>> from dynamo_reports.reporting.engine import ENGINE_NAME
>>> papermill.execute_notebook("in.ipynb", "out.ipynb", engine_name=ENGINE_NAME)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

#: name under which the engine is registered with papermill (``engine_name=``)
ENGINE_NAME = "dynamo-reports"

#: seconds between two writes of the notebook while it runs
SAVE_EVERY = 10.0


class SparseSaveManager(NotebookExecutionManager):
    """papermill's execution manager, whose writes during the run are at least ``save_every`` apart.

    The write at the start (``notebook_start``) and the final one (``notebook_complete``) always
    happen; the per-cell ones (``cell_start``, ``cell_complete``) only once ``save_every`` seconds
    have passed since the last write.
    """

    def __init__(self, nb: Any, *, save_every: float = SAVE_EVERY, **kwargs: Any) -> None:
        super().__init__(nb, **kwargs)
        self.save_every = save_every
        self._started = False
        self._closing = False

    def save(self, **kwargs: Any) -> None:
        if not self._started or self._closing or self._due():
            super().save(**kwargs)
        self._started = True

    def _due(self) -> bool:
        return (self.now() - self.last_save_time).total_seconds() >= self.save_every

    def notebook_complete(self, **kwargs: Any) -> None:
        self._closing = True
        super().notebook_complete(**kwargs)


class SparseSaveEngine(NBClientEngine):
    """nbclient's engine with :class:`SparseSaveManager` in place of papermill's manager.

    A kernel manager given as ``km=`` (a kernel started early for this run, see
    :mod:`~dynamo_reports.reporting.kernels`) is used, then shut down and its client's channels
    closed at the end, as nbclient does with a kernel it started itself (by default it leaves
    a kernel it was given running).
    """

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None, progress_bar: bool = True,
                         log_output: bool = False, autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        # papermill's Engine.execute_notebook with the manager swapped: start, run, complete however it ends
        nb_man = SparseSaveManager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                   autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False, stdout_file: Any = None,
                                 stderr_file: Any = None, start_timeout: int = 60, execution_timeout: int | None = None,
                                 **kwargs: Any) -> Any:
        # papermill's NBClientEngine.execute_managed_notebook, the kernel cleaned up whoever started it
        kwargs = remove_args(["input_path"], **kwargs)
        final_kwargs = merge_kwargs(
            remove_args(["timeout", "startup_timeout"], **kwargs),
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file)
        return PapermillNotebookClient(nb_man, **final_kwargs).execute(cleanup_kc=True)


papermill_engines.register(ENGINE_NAME, SparseSaveEngine)

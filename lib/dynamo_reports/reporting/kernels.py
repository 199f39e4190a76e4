"""The kernels reports run in: how they are started, and starting one early.

papermill starts a report's kernel when the run reaches it: after the command has imported the
runner, papermill and nbconvert and set the embedded server up, about 0.8 s in which the kernel
could have been starting. :func:`start_early` starts the very kernel papermill would (the
notebook's kernelspec, its directory as working directory, the run's environment, encrypted
channels where supported), first thing, and has it import what every report imports (pandas,
matplotlib, the library) while it waits; :func:`~dynamo_reports.reporting.runner.run_report`
then executes the notebook in it (``kernel=``) and shuts it down after, as its own. A kernel
started for one notebook and environment is never used for another: the runner shuts it down
and lets papermill start the right one.

Light on purpose: jupyter_client only, so the command can start the kernel before it imports
papermill.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PRELOAD", "EarlyKernel", "kernel_config", "kernel_environment", "notebook_kernel_name", "start_early"]

#: modules an early kernel imports while it waits for its notebook (what every report imports)
PRELOAD = ("numpy", "pandas", "matplotlib.pyplot", "dynamo_reports.notebook", "dynamo_reports.plots")

#: nbclient's default for the kernels it starts: no IPython history file
_HISTORY = "--HistoryManager.hist_file=:memory:"

_KERNEL_ENV_LOCK = threading.Lock()


def kernel_config() -> Any:
    """Ask jupyter_client for CurveZMQ transport encryption when it and pyzmq support it
    (a traitlets ``Config`` for the kernel manager, or ``None``)."""
    try:
        import zmq
        from jupyter_client.manager import KernelManager
        from traitlets.config import Config
    except ImportError:  # pragma: no cover
        return None
    if "transport_encryption" not in KernelManager.class_trait_names() or not zmq.has("curve"):
        return None
    return Config({"KernelManager": {"transport_encryption": "auto"}})


@contextmanager
def kernel_environment(extra: Mapping[str, str]) -> Iterator[None]:
    """``extra`` in ``os.environ`` while a kernel starts (it copies the environment at launch)."""
    if not extra:
        yield
        return
    with _KERNEL_ENV_LOCK:
        saved = {k: os.environ.get(k) for k in extra}
        os.environ.update(extra)
        try:
            yield
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def notebook_kernel_name(nb_path: Path) -> str | None:
    """The kernelspec name a notebook asks for (what papermill starts), or ``None``."""
    try:
        with open(nb_path, encoding="utf-8") as f:
            name = json.load(f)["metadata"]["kernelspec"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) and name else None


def _preload_line(modules: tuple[str, ...]) -> str:
    # one IPython exec line, leaving no name behind in the notebook's namespace
    names = ", ".join(repr(m) for m in modules)
    return f"import importlib as _dr_i; [_dr_i.import_module(_dr_m) for _dr_m in ({names},)]; del _dr_i"


@dataclass
class EarlyKernel:
    """A report's kernel started ahead of its run (:func:`start_early`)."""

    notebook: Path
    kernel_name: str
    env: dict[str, str]
    manager: Any = field(repr=False)  # jupyter_client's AsyncKernelManager

    def serves(self, notebook: Path, kernel_name: str | None, env: Mapping[str, str]) -> bool:
        """Whether this kernel is the one papermill would start for ``notebook`` with ``env``."""
        return (self.notebook == Path(notebook).resolve() and self.kernel_name == (kernel_name or self.kernel_name)
                and self.env == dict(env))

    def shutdown(self) -> None:
        """Stop the kernel at once (a kernel already gone is fine)."""
        from jupyter_core.utils import run_sync

        manager, self.manager = self.manager, None
        if manager is not None and manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)


def start_early(notebook: str | os.PathLike[str], env: Mapping[str, str], *, kernel_name: str | None = None,
                preload: tuple[str, ...] = PRELOAD) -> EarlyKernel | None:
    """Start the kernel a run of ``notebook`` with kernel environment ``env`` will need, now.

    Returns ``None`` (papermill then starts the kernel itself, and reports what went wrong)
    when the notebook names no kernel or the kernel cannot be started.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    path = Path(notebook).resolve()
    name = kernel_name or notebook_kernel_name(path)
    if name is None:
        return None
    config = kernel_config()
    manager = AsyncKernelManager(kernel_name=name, **({"config": config} if config is not None else {}))
    arguments = [_HISTORY] + ([f"--IPKernelApp.exec_lines={json.dumps([_preload_line(preload)])}"] if preload else [])
    try:
        with kernel_environment(env):
            run_sync(manager.start_kernel)(cwd=str(path.parent), extra_arguments=arguments)
    except Exception:  # no such kernelspec, cannot launch: the run reports it when it tries
        return None
    return EarlyKernel(path, name, dict(env), manager)

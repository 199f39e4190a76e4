"""Re-execute the committed notebooks on the demo data and store their outputs (for nbval).

    python -m dynamo_reports.reporting.refresh notebooks            # every notebook
    python -m dynamo_reports.reporting.refresh notebooks/pnl_report.ipynb

The notebooks are executed in place with their default parameters, against a freshly
started embedded DynamoDB (as `make test` does), so the stored outputs are exactly what
nbval will compare against.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def refresh(paths: list[Path], *, timeout: int = 600) -> None:
    import nbformat
    from nbclient import NotebookClient

    from ..demo.server import EmbeddedDynamo

    notebooks = sorted(p for path in paths for p in ([path] if path.suffix == ".ipynb" else path.glob("*.ipynb")))
    with EmbeddedDynamo() as server:
        os.environ.update(server.environment())
        os.environ["DYNAMO_REPORTS_PROGRESS"] = "0"
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        for path in notebooks:
            print(f"executing {path} ...", flush=True)
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=timeout, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            for cell in nb.cells:  # execution timestamps would make every refresh a diff
                cell.metadata.pop("execution", None)
            tmp = path.with_suffix(".ipynb.tmp")
            nbformat.write(nb, tmp)
            os.replace(tmp, path)
    print(f"refreshed {len(notebooks)} notebook(s)")


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    refresh([Path(a) for a in (args or ["notebooks"])])
    return 0


if __name__ == "__main__":
    sys.exit(main())

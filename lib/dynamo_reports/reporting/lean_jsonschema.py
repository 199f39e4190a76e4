"""Import this before anything imports jsonschema: it keeps rfc3987-syntax from loading.

nbformat validates notebooks with jsonschema, whose format checkers import rfc3987-syntax when it
is installed. That package compiles about 35 Earley parsers at import (2 s of CPU, 8 s on a busy
machine, in every process that reads a notebook: the runner, the exporter, each pytest worker
through nbval's plugin) for the "iri" and "iri-reference" formats, which no notebook schema uses.
Marked absent before jsonschema is first imported, it is skipped: those formats go unchecked, as
they do where the package is not installed (python-jsonschema/jsonschema#1428).

Importing this module is the whole effect. The runner and the exporter import it first; pytest
loads it with ``-p dynamo_reports.reporting.lean_jsonschema`` (pyproject's addopts), which pytest
imports before the plugins of installed packages, nbval among them.
"""

from __future__ import annotations

import sys

if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

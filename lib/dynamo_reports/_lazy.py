"""Names a package exports but imports only when first used (PEP 562 module ``__getattr__``).

Importing ``dynamo_reports`` or ``dynamo_reports.reporting`` must not load boto3, the
systems, papermill or nbconvert: ``dynamo-reports list`` and every parameter error answer
at once. A package lists ``name -> submodule`` and installs the getter this returns.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, names: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` importing ``names[name]`` (a relative module) on first use
    and caching the value in the package's ``namespace``."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    return __getattr__

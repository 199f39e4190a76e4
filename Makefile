# dynamo-reports — two commands on a fresh machine:
#   make reports   every report on the embedded demo data -> reports/index.html
#   make test      unit tests + notebook validation (nbval), on every core (pytest-xdist)
#   make test-fast the tests that start no kernel (seconds; not a substitute for make test)
PYTHON ?= python3

# Bytecode caches (__pycache__, git-ignored) are written even where PYTHONDONTWRITEBYTECODE is set,
# as on CI machines: without them every pytest worker rewrites all test modules (about 10 s of CPU)
# and every kernel and CLI process compiles lib/ again, on every run.
unexport PYTHONDONTWRITEBYTECODE
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test test-fast lint reports lab install refresh-notebooks bench clean

install: $(STAMP)

# uv (pinned in constraints.txt, installed into the venv by pip) installs the same pins in a
# fraction of pip's time; if uv cannot be obtained or fails, pip does the install (make install
# INSTALLER=pip forces it).
INSTALLER ?= uv
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'

# What the reports, their kernels, the demo server and the test workers import, compiled at install
# by importing it once (bytecode caches are written: see unexport above). uv's --compile-bytecode
# compiled all ~150 packages instead: 100 s of CPU, mostly for modules nothing imports (pandas'
# own tests, moto's other services), which put a fresh clone's install over 2 minutes.
WARM := dynamo_reports.cli dynamo_reports.reporting.runner dynamo_reports.reporting.export \
        dynamo_reports.reporting.worker dynamo_reports.notebook dynamo_reports.plots dynamo_reports.analytics \
        dynamo_reports.systems dynamo_reports.reads dynamo_reports.capacity dynamo_reports.replay \
        dynamo_reports.demo.server moto.server moto.dynamodb.responses matplotlib.pyplot pandas \
        ipykernel.kernelapp ipykernel.ipkernel matplotlib_inline.backend_inline \
        pytest xdist nbval.plugin hypothesis

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dynamo-reports needs Python >= 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if [ "$(INSTALLER)" = uv ] && $(BIN)/python -m pip install --quiet -c constraints.txt uv \
	      && $(BIN)/uv --version >/dev/null 2>&1; then \
	    echo "$(BIN)/uv pip install -c constraints.txt -e '.[test]'"; \
	    $(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e '.[test]' \
	      || { echo "uv failed: installing with pip instead" >&2; $(PIP_INSTALL); }; \
	else \
	    echo "installing with pip (uv not used)"; $(PIP_INSTALL); \
	fi
	$(BIN)/python -c 'import importlib, sys; [importlib.import_module(m) for m in sys.argv[1:]]' $(WARM)
	touch $(STAMP)

# ruff (E, F, I, B, UP) and mypy, configured in pyproject.toml: zero findings
lint: $(STAMP)
	$(BIN)/ruff check lib tests
	$(BIN)/mypy

PYTEST := DYNAMO_REPORTS_PROGRESS=0 $(BIN)/python -m pytest -p no:cacheprovider
# one worker per core; a module (or a notebook's cells) stays on one worker. XDIST= runs in one process.
XDIST  ?= -n auto --dist loadscope

test: lint
	$(PYTEST) $(XDIST) --durations=10 tests notebooks --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg

test-fast: $(STAMP)
	$(PYTEST) $(XDIST) -q -m "not kernel" tests

reports: $(STAMP)
	$(BIN)/dynamo-reports run --all --source demo

lab: $(STAMP)
	$(BIN)/dynamo-reports lab

# Re-execute the committed notebooks on the demo data and store their outputs (for nbval).
refresh-notebooks: $(STAMP)
	$(BIN)/python -m dynamo_reports.reporting.refresh notebooks

bench: $(STAMP)
	$(BIN)/python bench/cache_lookups.py
	$(BIN)/python bench/wire_read.py
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

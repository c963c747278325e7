# Two commands do everything on a fresh clone: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test components bench lint install clean messages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	# iectox's bytecode compiled once, as pip does for an installed package: where writing it at run time is
	# forbidden (PYTHONDONTWRITEBYTECODE), every command would compile its modules again (0.12 s)
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/iectox demo --out out/demo

# The real components the tests start themselves: PostgreSQL (throwaway clusters, scripts/pg_cluster.py) and
# Debian's chromium (browser tests). Each script does nothing when its component is there and installs it
# otherwise; a failure stops CI (CI=true), elsewhere it is a warning and the tests needing it are skipped.
components:
	@for script in scripts/ensure_postgres.sh scripts/ensure_chromium.sh; do \
		$$script || { [ "$$CI" = true ] && exit 1; echo "warning: $$script failed; tests needing it skip" >&2; }; \
	done

# The whole suite on SQLite (DATABASE_URL cleared, whatever the shell has), then the web tests on PostgreSQL,
# each on TEST_WORKERS processes (pytest-xdist; a module's tests stay in one process, so that its fixtures are
# built once); the slowest tests are listed at the end.
TEST_WORKERS ?= 2
PYTEST_OPTIONS := -n $(TEST_WORKERS) --dist loadscope --durations=15
test: $(STAMP) components
	env -u DATABASE_URL $(BIN)/python -m pytest $(PYTEST_OPTIONS)
	scripts/test_web_postgres.sh $(PYTEST_OPTIONS)

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

# The catalog: extract every message marked by tr / N_ / say / finding into the template, then merge the template
# into the French catalog (new messages arrive untranslated; `make test` fails until they are translated).
LOCALE := src/iectox/locale
KEYWORDS := -k tr -k N_ -k say -k finding:3
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --no-default-keywords --no-location --sort-output \
		--project iectox --version 0.1.0 -w 110 -o $(LOCALE)/iectox.pot .
	$(BIN)/pybabel update -i $(LOCALE)/iectox.pot -d $(LOCALE) -D iectox -l fr -w 110 --no-fuzzy-matching \
		--ignore-obsolete

clean:
	rm -rf $(VENV) out build src/*.egg-info

# Two commands do everything on a fresh clone: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint install clean messages

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

test: $(STAMP)
	$(BIN)/python -m pytest

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

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

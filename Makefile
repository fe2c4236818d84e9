# The README's two commands, and the checks CI runs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run demo test lint typecheck check messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Run Piiri on its embedded defaults: a SQLite store, the web chat and the staff dashboard
## on http://127.0.0.1:8080, and on the first start a sample group to try.
run: $(STAMP)
	$(BIN)/piiri run

## The scripted tour: the real service on an in-memory chat with simulated people.
demo: $(STAMP)
	$(BIN)/piiri demo

## The whole test suite (SQLite and PostgreSQL), then lint and type checks.
test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(MAKE) lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## Re-extract texts into bot/locale/piiri.pot and merge them into fi, sv and en.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 \
		--no-location --omit-header --sort-output -o bot/locale/piiri.pot .
	$(BIN)/pybabel update -i bot/locale/piiri.pot -d bot/locale -D piiri \
		--width 100 --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache piiri-data *.egg-info

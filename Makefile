# Every target creates the virtualenv it needs: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint fmt bench fuzz clean venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(STAMP)

# The sample logs include two diverged runs on purpose: the demo shows them, it does not fail.
demo: $(STAMP)
	$(BIN)/curvelint analyze sample_logs/ --out reports/ --fail-on never

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check curvelint tests benchmarks
	$(BIN)/ruff format --check curvelint tests benchmarks
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format curvelint tests benchmarks
	$(BIN)/ruff check --fix curvelint tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache reports curvelint-report

# Every target creates the virtualenv it needs: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps in one virtualenv: the runtime (what `pip install curvelint` installs) for the
# demo, and the dev extra (the test libraries: torch, Lightning, MLflow, W&B, moto…) on top.
RUNTIME := $(VENV)/.installed-runtime
STAMP   := $(VENV)/.installed-dev

.PHONY: demo test lint fmt bench fuzz clean venv logs accuracy peers stability

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(STAMP)

# The sample logs include two diverged runs on purpose: the demo shows them, it does not fail.
demo: $(RUNTIME)
	$(BIN)/curvelint analyze sample_logs/ --out reports/ --fail-on never

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check curvelint tests benchmarks tools fuzz
	$(BIN)/ruff format --check curvelint tests benchmarks tools fuzz
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format curvelint tests benchmarks tools fuzz
	$(BIN)/ruff check --fix curvelint tests benchmarks tools fuzz

# Precision and recall of the verdicts on the labelled real runs in tests/labelled/.
# Every split was locked when made and scored once (holdout9 in session 13), then read;
# holdout10 (made at the end of session 13) is locked for the next session to score once. The
# public corpus is scored against our own labels (tests/labelled/public.csv) when ../shared is
# beside the clone.
accuracy: $(STAMP)
	$(BIN)/python -m curvelint.evaluate tests/labelled tests/benchmark/dev tests/benchmark/test \
	  tests/benchmark/holdout tests/benchmark/holdout2 tests/benchmark/holdout3 \
	  tests/benchmark/holdout4 tests/benchmark/holdout5 tests/benchmark/holdout6 \
	  tests/benchmark/holdout7 tests/benchmark/holdout8 tests/benchmark/holdout9 \
	  tests/benchmark/holdout10 tests/independent tests/independent2
	@if [ -d ../shared/corpus/public ]; then \
	  $(BIN)/curvelint analyze ../shared/corpus/public --out .accuracy-public --format json \
	    --fail-on never --quiet > /dev/null; [ $$? -le 1 ] && \
	  echo && echo "## public corpus (tests/labelled/public.csv)" && echo && \
	  $(BIN)/python -m tools.score_public .accuracy-public/summary.json; fi

# How stable the verdicts are when the same runs are logged a little differently (every other
# point, the first or the last point dropped): flips are where held-out runs will disagree.
stability: $(STAMP)
	nice -n 10 $(BIN)/python -m tools.verdict_stability tests/benchmark/dev tests/benchmark/test \
	  tests/benchmark/holdout tests/benchmark/holdout2 tests/benchmark/holdout3 \
	  tests/benchmark/holdout4 tests/benchmark/holdout5 tests/benchmark/holdout6 \
	  tests/benchmark/holdout7 tests/benchmark/holdout8 tests/benchmark/holdout9

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r benchmarks/requirements.txt
	$(BIN)/python -m benchmarks.run

# Regenerate (and check) sample_logs/, tests/labelled/ and tests/benchmark/ by training tiny
# models on CPU (niced: the benchmark's ~400 runs take ~30 min on 2 shared cores; the holdout
# split alone, `python -m tools.benchmark_runs --split holdout`, took 7.5 min).
# Not part of CI: it needs torch, transformers, keras, tensorflow-cpu and pytorch-lightning in
# a separate venv.
GEN := .venv-gen/bin
$(GEN)/.installed: tools/requirements-generate.txt
	$(PYTHON) -m venv .venv-gen
	$(GEN)/pip install --quiet torch==2.13.0
	$(GEN)/pip install --quiet -r tools/requirements-generate.txt
	touch $@

logs: $(GEN)/.installed
	$(GEN)/python -m tools.generate_sample_logs
	$(GEN)/python -m tools.generate_labelled_runs
	nice -n 15 $(GEN)/python -m tools.benchmark_runs --jobs 2

# The peer tools' verdict accuracy on the same labelled runs (benchmarks/results/peers.md): each
# peer runs from its own virtualenv, its findings are mapped to our verdicts by the mapping that
# agrees most on the dev split, then scored on every set. Outputs are cached in .peer-cache/.
# Not part of CI or `make test`.
PEERS_BIN := .venv-peers/bin
PEER_SETS := tests/labelled tests/benchmark/dev tests/benchmark/test tests/benchmark/holdout \
  tests/benchmark/holdout2 tests/benchmark/holdout3 tests/benchmark/holdout4 \
  tests/benchmark/holdout5 tests/benchmark/holdout6 tests/benchmark/holdout7 \
  tests/benchmark/holdout8
$(PEERS_BIN)/.installed: tools/requirements-peers.txt
	$(PYTHON) -m venv .venv-peers
	$(PEERS_BIN)/pip install --quiet -r tools/requirements-peers.txt
	touch $@

peers: $(STAMP) $(PEERS_BIN)/.installed
	nice -n 10 $(BIN)/python -m tools.peer_verdicts $(PEER_SETS) \
	  $$([ -d ../shared/corpus/public ] && echo ../shared/corpus/public) \
	  --jobs 2 --out benchmarks/results/peers.md
	@cat benchmarks/results/peers.md

# Coverage-guided fuzzing of every reader (atheris installed on demand; not part of CI).
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet atheris
	mkdir -p .fuzz-corpus
	$(BIN)/python fuzz/fuzz_readers.py -max_total_time=300 -rss_limit_mb=2048 .fuzz-corpus

clean:
	rm -rf $(VENV) .accuracy-public .peer-cache build *.egg-info .pytest_cache .mypy_cache .ruff_cache .fuzz-corpus reports curvelint-report curvelint-compare

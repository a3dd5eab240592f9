# fogwatch: `make demo` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB ?= demo.db
SHARED ?= ../shared

.PHONY: help venv web system-deps demo test lint format quality bench bench-queries bench-watch bench-link bench-components bench-components-real bench-processes bench-scale screenshots clean

help:
	@echo "make demo     set up, ingest the bundled sample corpus, serve the UI"
	@echo "make test     set up and run the whole test suite (both store backends)"
	@echo "make quality  extraction quality on the seeds and the ACLED dev set"
	@echo "make screenshots  regenerate docs/screenshots from the browser tests"
	@echo "make bench    end to end vs a bare spaCy parse (numbers go in README.md and docs/performance.md)"
	@echo "make bench-watch    feed to incident latency, empty and dense store"
	@echo "make bench-link     linking alone at several cadences (same incidents at each)"
	@echo "make bench-components  seconds per spaCy/fogwatch pipeline component, one process"
	@echo "make bench-components-real  the same on the real news of fakes-dev, and one whole ingest split"
	@echo "make bench-processes  one process against the default number, by input size (the cut-off)"
	@echo "make bench-queries  API queries at 1 M claims, SQLite and PostgreSQL (slow)"
	@echo "make bench-scale    100,000 documents into SQLite and PostgreSQL, every id checked (slow)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

WEB_STAMP := src/fogwatch/web/static/vendor/.build-stamp
$(WEB_STAMP): frontend/package-lock.json frontend/build.mjs scripts/build-web.sh
	bash scripts/system-deps.sh node
	bash scripts/build-web.sh

web: $(WEB_STAMP)

venv: $(STAMP) $(WEB_STAMP)

system-deps:
	@bash scripts/system-deps.sh node postgresql chromium

demo: venv
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/fogwatch --db $(DEMO_DB) ingest examples/sample-corpus/
	$(BIN)/fogwatch --db $(DEMO_DB) stats
	$(BIN)/fogwatch --db $(DEMO_DB) serve

test: venv system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest

screenshots: venv system-deps
	FOGWATCH_SCREENSHOTS=1 $(BIN)/pytest tests/test_web.py

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: venv
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache $(DEMO_DB)* frontend/node_modules src/fogwatch/web/static/vendor

quality: venv
	$(BIN)/python benchmarks/quality.py --json-out benchmarks/results/quality.json

bench: venv
	$(BIN)/python benchmarks/bench.py --fakes-dev $(SHARED)/data/fakes-dev/articles.csv \
		--json-out benchmarks/results/bench.json

bench-watch: venv
	$(BIN)/python benchmarks/bench_watch.py --json-out benchmarks/results/watch.json

bench-link: venv
	$(BIN)/python benchmarks/bench_link.py --json-out benchmarks/results/link.json

bench-components: venv
	$(BIN)/python benchmarks/bench_components.py --ner-moves

bench-scale: venv system-deps
	$(BIN)/python benchmarks/bench_scale.py --json-out benchmarks/results/scale.json

bench-components-real: venv
	$(BIN)/python benchmarks/bench_components.py --fakes-dev $(SHARED)/data/fakes-dev/articles.csv --end-to-end

bench-processes: venv
	$(BIN)/python benchmarks/bench_processes.py

bench-queries: venv system-deps
	$(BIN)/python benchmarks/bench_queries.py --sqlite-cache-mb 1024 --pg-shared-buffers 2GB \
		--json-out benchmarks/results/queries.json

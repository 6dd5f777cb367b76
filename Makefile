# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development installs both locks: the runtime (requirements.lock) and tests, lint, types and
# the bench (requirements-dev.lock, which includes the first).
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | sha1sum | cut -c1-12)
ADDRESS ?= 127.0.0.1:8000
# The settings' default SITE_URL (links in e-mails) is http://$(ADDRESS).
export ADDRESS
# The Graph API stand-in's port (standins/meta_graph.py); settings/local.py points at it.
GRAPH_STANDIN_PORT ?= 8765

.PHONY: run setup test lint typecheck pytest messages clean bench bench-servers bench-outbox

$(STAMP): requirements.lock requirements-dev.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12 or newer is needed (see .python-version)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python scripts/compile_translations.py
	DJANGO_SETTINGS_MODULE=moskenes_social.settings.local $(BIN)/python manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=moskenes_social.settings.local $(BIN)/python manage.py seed_demo

# Web, Celery worker and beat, and the Graph API stand-in with the demo's Page connected to
# it; one Ctrl-C stops them all.
run: setup
	@echo ""
	@echo "Moskenes Social: http://$(ADDRESS)/  (log in with a demo user above)"
	@echo "Graph API stand-in: http://127.0.0.1:$(GRAPH_STANDIN_PORT)/_standin/state"
	@echo ""
	@export DJANGO_SETTINGS_MODULE=moskenes_social.settings.local; \
	export META_GRAPH_URL=$${META_GRAPH_URL:-http://127.0.0.1:$(GRAPH_STANDIN_PORT)/v25.0}; \
	trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python -m standins.meta_graph --port $(GRAPH_STANDIN_PORT) & \
	$(BIN)/python manage.py demo_standin --webhook http://$(ADDRESS)/innlegg/webhook/facebook/ || exit 1; \
	$(BIN)/celery -A moskenes_social worker --loglevel=INFO --concurrency=2 & \
	$(BIN)/celery -A moskenes_social beat --loglevel=INFO & \
	$(BIN)/python manage.py runserver $(ADDRESS)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

pytest: $(STAMP)
	$(BIN)/python scripts/compile_translations.py
	$(BIN)/pytest $(PYTEST_ARGS)

# Refresh the nb catalogue from the code and templates (needs gettext's xgettext).
messages: $(STAMP)
	DJANGO_SETTINGS_MODULE=moskenes_social.settings.local $(BIN)/python manage.py makemessages --locale nb --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'static/vendor/*'
	$(BIN)/python scripts/compile_translations.py

# Benchmarks on PostgreSQL and Redis (scripts/bench/run.py; figures in the README). Creates
# ms_bench_small and ms_bench_national; BENCH_ARGS="--keep-data" reuses them. Then the
# outbox (scripts/bench/outbox.py, docs/performance.md): BENCH_OUTBOX_ARGS="--smoke".
BENCH_ARGS ?=
BENCH_OUTBOX_ARGS ?=
bench: $(STAMP)
	$(BIN)/python scripts/compile_translations.py
	$(BIN)/python -m scripts.bench.run --scales small,national $(BENCH_ARGS)
	$(BIN)/python -m scripts.bench.outbox $(BENCH_OUTBOX_ARGS)

# Replies through the outbox against the Graph API stand-in (throttled, transient errors)
# and a bare loop of the same calls; creates and drops ms_bench_outbox.
bench-outbox: $(STAMP)
	$(BIN)/python scripts/compile_translations.py
	$(BIN)/python -m scripts.bench.outbox $(BENCH_OUTBOX_ARGS)

# The three servers side by side on the same data (small scale).
bench-servers: $(STAMP)
	$(BIN)/python scripts/compile_translations.py
	$(BIN)/python -m scripts.bench.run --scales small --compare-servers --out var/bench/servers.json $(BENCH_ARGS)

clean:
	rm -rf var/ $(VENV)

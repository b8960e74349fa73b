# The two commands that matter: `make demo` and `make test`. Everything else is what they are made of.
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) backend/manage.py
STAMP := .venv/.installed

.PHONY: demo test install render-deps services services-down migrate seed lint openapi openapi-check messages bench clean-run web web-test web-e2e web-e2e-ci mp-test load-deps load-exam-day load-spike load-chaos load-down

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -c requirements/constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) render-deps

# What the certificate renderer needs beyond pip: HarfBuzz-Subset (Debian) and the pinned font, checked.
render-deps: $(STAMP)
	$(PY) infra/dev/render_deps.py

services: install
	$(PY) infra/dev/services.py up

services-down:
	$(PY) infra/dev/services.py down

migrate: services
	$(MANAGE) migrate_schemas --shared -v 0
	$(MANAGE) migrate_tenants
	$(MANAGE) storage_init
	$(MANAGE) collectstatic --noinput -v 0

seed: migrate
	$(MANAGE) seed_demo

# Starts everything (services, API, worker, beat), seeds once, prints the URL and the demo accounts.
# Ctrl-C stops all it started.
demo: web seed
	$(PY) infra/dev/demo.py

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	PYTHONPATH=backend:. .venv/bin/lint-imports

openapi: install
	$(MANAGE) spectacular --validate --fail-on-warn --urlconf config.urls_schema --file backend/openapi.yaml

openapi-check: services
	$(MANAGE) spectacular --validate --fail-on-warn --urlconf config.urls_schema --file .run/openapi.yaml
	diff -u backend/openapi.yaml .run/openapi.yaml || (echo "backend/openapi.yaml is stale: run make openapi"; exit 1)

messages: install
	$(MANAGE) makemessages -l en --no-wrap --ignore ".venv/*" --ignore "web/*" --ignore "miniprogram/*" --ignore ".run/*" \
		--ignore "*/migrations/*" --ignore "tests/*"
	cd backend && ../$(PY) manage.py compilemessages -l en

test: services lint openapi-check web-test mp-test web-e2e-ci
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	.venv/bin/pytest -q

bench: migrate
	$(PY) tests/perf/bench_tenancy.py
	$(PY) tests/perf/bench_physicians.py
	$(PY) tests/perf/bench_certificates.py
	$(PY) tests/perf/bench_reviews.py
	$(PY) tests/perf/bench_assessment_stats.py
	$(PY) tests/perf/bench_faces.py
	$(PY) tests/perf/bench_upload_url.py
	$(PY) tests/perf/bench_privilege_check.py
	$(PY) tests/perf/bench_exam_start.py

# --- load scenarios of issue 5 (tests/perf/load, docs/decisions/0019): private durable PostgreSQL + Redis
# under .load/, gunicorn, an asyncio load client on its own core. EXAMINEES, DURATION (minutes), WORKERS.
LOAD_STAMP := .venv/.load-installed

$(LOAD_STAMP): pyproject.toml requirements/constraints.txt $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check -c requirements/constraints.txt -e '.[dev,perf]'
	@touch $(LOAD_STAMP)

load-deps: $(LOAD_STAMP)

load-exam-day: services load-deps
	$(PY) tests/perf/load/run.py exam-day

load-spike: services load-deps
	$(PY) tests/perf/load/run.py spike

load-chaos: services load-deps
	$(PY) tests/perf/load/run.py chaos

# stops the private load services (the shared ones of `make services` are not touched)
load-down:
	$(PY) tests/perf/load/stack.py down

# --- the browser app (web/): Vue 3 + Vite, Node 20 from the machine ----------------------------------
WEB_STAMP := web/node_modules/.installed

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $(WEB_STAMP)

# web/dist, served by Django at / (backend/core/web.py); a build takes a few seconds.
web: $(WEB_STAMP)
	cd web && npm run --silent build

# The committed API types match backend/openapi.yaml, the app type-checks, the unit tests pass.
web-test: $(WEB_STAMP)
	cd web && npm run --silent check:api && npm run --silent typecheck && npm test

# Browser tests in Debian's chromium against a running demo (make demo; WEB_E2E_URL, default :8000).
web-e2e: $(WEB_STAMP)
	bash web/scripts/ensure-chromium.sh
	cd web && npm run --silent e2e

# The browser tests in `make test`: a stack of their own (fresh database platform_e2e seeded with the demo data,
# gunicorn on a free port, a Celery worker on a Redis db of its own), stopped afterwards even when a test fails.
# Screenshots and server logs: tests/artifacts/web/.
web-e2e-ci: web services
	bash web/scripts/ensure-chromium.sh
	$(PY) infra/dev/e2e_stack.py run

# --- the WeChat mini-program (miniprogram/): TypeScript, Jest 30 + miniprogram-simulate, Node 20 ------------
MP_STAMP := miniprogram/node_modules/.installed

$(MP_STAMP): miniprogram/package.json miniprogram/package-lock.json
	cd miniprogram && npm ci --no-audit --no-fund --loglevel=error
	@touch $(MP_STAMP)

# Types match backend/openapi.yaml, every request is in the contract, the app type-checks, the tests pass.
mp-test: $(MP_STAMP)
	cd miniprogram && npm test

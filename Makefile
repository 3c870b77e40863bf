# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Links in e-mails and texts: set for every process, since honcho gives each process type its own PORT.
export PUBLIC_URL ?= http://127.0.0.1:$(PORT)
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export FLASK_APP := app.py
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: vendor run test lint test-sqlite test-postgres test-deploy setup database translations router chromium nginx postgres bench load clean

run: setup database router  ## Set up, migrate, seed, train the router if needed, then gunicorn + the job worker
	$(BIN)/flask intake replay
	OMP_NUM_THREADS=1 $(BIN)/honcho start --procfile Procfile --port $(PORT)

test: setup chromium nginx postgres  ## Set up, lint and type-check, then run the suite on SQLite and on PostgreSQL
	$(MAKE) --no-print-directory lint test-sqlite test-postgres

lint:  ## ruff over the code and tests, mypy over the package (settings in pyproject.toml)
	$(BIN)/ruff check gwangju_civic tests bench migrations app.py
	$(BIN)/mypy

test-sqlite:
	@echo "==> tests on SQLite (a fresh database file per test)"
	$(BIN)/python -m pytest

test-postgres:
	@echo "==> tests on PostgreSQL at $(TEST_POSTGRES_URL)"
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest

setup: $(VENV)/.installed translations

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

translations:
	$(BIN)/flask translate compile

database:
	$(BIN)/flask db upgrade
	$(BIN)/flask seed

router:
	$(BIN)/flask router train --if-missing

chromium:  ## Debian's Chromium for the browser tests (never a downloaded browser build), and a Korean font for it
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@fc-list :lang=ko 2>/dev/null | grep -q . || (apt-get update -qq && apt-get install -y -qq fonts-nanum)

nginx:  ## Debian's nginx for the scale-out test (tests/runtime/test_deploy.py; it never starts the system service)
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update -qq && apt-get install -y -qq nginx)

test-deploy: setup nginx postgres  ## Only the scale-out test: nginx, two gunicorn servers, a job worker, PostgreSQL, Redis
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest -m deploy tests/runtime/test_deploy.py

postgres:  ## Start the local PostgreSQL cluster if it is not answering
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1

bench: setup postgres  ## Print the routing, admin and masking benchmarks' figures
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/admin.py
	$(BIN)/python bench/masking.py

load: setup database router postgres  ## bench/load.py's three runs: embedded, PostgreSQL + Redis, and the fault run
	$(BIN)/python bench/load.py --setup embedded -n 600 -c 20
	$(BIN)/python bench/load.py --setup postgres -n 600 -c 20
	$(BIN)/python bench/load.py --setup fault -n 600 -c 20
	$(BIN)/python bench/queues.py

vendor:  ## Refresh the vendored Leaflet files and the tests' axe-core from the npm lock file (committed; no npm needed)
	npm ci --ignore-scripts --no-audit --no-fund
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE gwangju_civic/static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/* gwangju_civic/static/vendor/leaflet/images/
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster*.css \
	  node_modules/leaflet.markercluster/MIT-LICENCE.txt gwangju_civic/static/vendor/leaflet.markercluster/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/browser/vendor/axe-core/

clean:
	rm -rf $(VENV) instance

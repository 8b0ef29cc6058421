# C21 China Network Portal. `make run` serves the portal; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint lock format install db translations clean bench bench-pg screenshots

# The exact versions of requirements.lock (made from pyproject.toml's ranges by `make lock`),
# then the portal itself.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Upgrade the database through the migrations and load the reference data (idempotent).
db: install
	$(FLASK) db upgrade
	$(FLASK) reference

run: db
	$(FLASK) demo --if-no-accounts --url http://$(HOST):$(PORT)
	$(FLASK) run --host $(HOST) --port $(PORT)

# The portal as it runs in production: gunicorn (gunicorn.conf.py: two processes a core,
# four threads each), production settings, the request log on standard error. The secret key
# is PORTAL_SECRET_KEY, or the one `make db` keeps in instance/secret_key.
serve: db
	PORTAL_ENV=$${PORTAL_ENV:-production} \
	PORTAL_SECRET_KEY="$${PORTAL_SECRET_KEY:-$$(cat instance/secret_key)}" \
	PORTAL_BIND=$(HOST):$(PORT) \
	$(BIN)/gunicorn --config gunicorn.conf.py 'portal:create_app()'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Pin every dependency again within pyproject.toml's ranges (after changing them).
lock: install
	$(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite on SQLite, then on PostgreSQL too when PORTAL_TEST_DATABASE_URL names one.
test: lint
	env -u PORTAL_TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$PORTAL_TEST_DATABASE_URL" ]; then \
		echo "== the suite again on PostgreSQL =="; \
		$(BIN)/pytest; \
	else \
		echo "PORTAL_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped (CI runs it)."; \
	fi

# Extract the interface strings into the catalogue template, bring the Finnish and Swedish
# catalogues up to date with it (new strings to translate, removed ones marked obsolete) and
# compile them; the compiled catalogues are committed so that every install has them.
translations: install
	$(BIN)/pybabel extract --ignore-dirs ".*" -F babel.cfg -k _l -k _n:1,2 -k lazy_ngettext:1,2 \
		--no-location --sort-output -o portal/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --width 100 -i portal/translations/messages.pot -d portal/translations
	$(BIN)/pybabel compile --statistics -d portal/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Fill a throwaway database at the network's full scale and measure every page that could
# scan it, cold and warm, and where its cold time goes (SCALE=0.1 for a quick try);
# bench-pg does it on a throwaway PostgreSQL cluster.
SCALE ?= 1.0
bench: install
	rm -f /tmp/c21-bench.db /tmp/c21-bench.db-wal /tmp/c21-bench.db-shm
	$(BIN)/python bench/fill.py sqlite:////tmp/c21-bench.db --scale $(SCALE)
	$(BIN)/python bench/measure.py sqlite:////tmp/c21-bench.db --split

bench-pg: install
	scripts/with-postgres.sh sh -c '$(BIN)/python bench/fill.py "$$PORTAL_PG_URL" \
		--scale $(SCALE) && $(BIN)/python bench/measure.py "$$PORTAL_PG_URL" --split'

# docs/screenshots/: the demo data photographed on a laptop and a phone (needs chromium).
screenshots: install
	$(BIN)/python scripts/screenshots.py

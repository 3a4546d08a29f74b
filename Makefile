# Set-up, run and test. `make run` and `make test` each do the whole set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export DJANGO_SETTINGS_MODULE := config.settings
MAKEMESSAGES_IGNORE := .venv/* node_modules node_modules/* site/static/h5p site/static/h5p/* site/static/scorm-again site/static/scorm-again/* site/static/workbox site/static/workbox/* staticfiles/* media/* tests/* bench/*

.PHONY: prerequisites run test install messages translations migrate worker lint format bench bench-profile bench-certificates clean

# System packages pip and npm cannot bring (Python's venv, Node.js, Pango): installed when run
# as root with apt-get, otherwise make stops here with the command to run. `make test` also
# names what the skipped tests need (gettext, Chromium).
prerequisites:
	@PYTHON=$(PYTHON) VENV=$(VENV) sh bin/check-prerequisites $(PREREQUISITES_FOR)

$(BIN)/uv: | prerequisites
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: requirements.lock $(BIN)/uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet -r requirements.lock
	touch $@

# The H5P player comes from npm (package-lock.json pins h5p-standalone); its dist/ is copied into
# the static files, never committed, never loaded from a CDN. --ignore-scripts: the package's
# own install script insists on yarn and does nothing we need.
H5P_PLAYER := site/static/h5p
# The SCORM runtime API (scorm-again, pinned the same way) is copied beside it, for the pages of
# SCORM packages (assessments/scorm/views.py puts it at the top of their <head>), with the
# source maps the scripts name (collectstatic's manifest refuses a missing one).
SCORM_RUNTIME := site/static/scorm-again
$(H5P_PLAYER)/.installed: package.json package-lock.json | prerequisites
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(H5P_PLAYER)
	cp -R node_modules/h5p-standalone/dist $(H5P_PLAYER)
	rm -rf $(SCORM_RUNTIME)
	mkdir -p $(SCORM_RUNTIME)
	cp node_modules/scorm-again/dist/scorm12.min.js* node_modules/scorm-again/dist/scorm2004.min.js* \
		node_modules/scorm-again/LICENSE $(SCORM_RUNTIME)/
	touch $@

# The service worker's Workbox modules come from npm too (package-lock.json pins them): their
# browser builds are copied into the static files at install time, served by us (config/pwa.py
# serves /sw.js, which loads them), never committed, never from a CDN; with their source maps,
# which collectstatic follows.
WORKBOX := site/static/workbox
$(WORKBOX)/.installed: $(H5P_PLAYER)/.installed
	rm -rf $(WORKBOX)
	mkdir -p $(WORKBOX)
	cp node_modules/workbox-sw/build/workbox-sw.js node_modules/workbox-sw/build/workbox-sw.js.map $(WORKBOX)/
	for module in core routing strategies precaching; do \
		cp node_modules/workbox-$$module/build/workbox-$$module.prod.js* $(WORKBOX)/; done
	touch $@

install: prerequisites $(VENV)/.installed $(H5P_PLAYER)/.installed $(WORKBOX)/.installed

# Compiled translations are built here, never committed (Babel needs no system gettext).
messages: install
	$(BIN)/pybabel compile --domain django --directory site/locale --statistics

# Extract UI strings into site/locale/{fr,en} (needs GNU gettext); then translate the new
# French entries and run `make messages`. tests/site/test_translations.py fails on a missing one.
translations: install
	$(BIN)/python manage.py makemessages --locale fr --locale en --no-obsolete --no-location \
		$(foreach p,$(MAKEMESSAGES_IGNORE),--ignore '$(p)')

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

run: install messages migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite runs on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process): each
# worker has its own test database and Redis databases (tests/conftest.py).
TEST_WORKERS ?= auto
test: PREREQUISITES_FOR = --tests
test: install messages
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

worker: install messages
	$(BIN)/celery -A config worker --beat --loglevel=info

# Throughput and latency of the main pages under load (locust, gunicorn with the production
# settings, PostgreSQL and Redis on 127.0.0.1; databases bench_*), against a constant view in
# the same run, at 1,000 and 50,000 people. Report: bench/results.md and bench/results.json.
bench: install messages
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# pyinstrument profiles of one request of each hot endpoint at 50,000 people, as text:
# bench/profiles/*.txt (BENCH_ARGS="--only lesson,xapi" for some of them).
bench-profile: install messages
	$(BIN)/python bench/run.py --profile-only --sizes 50000 $(BENCH_ARGS)

# Issue and render 1,000 certificates through a real Celery worker (PostgreSQL and Redis on
# 127.0.0.1; its own database and Redis database). Figures: bench/results-certificates.md.
bench-certificates: install messages
	$(BIN)/python bench/certificates.py --count 1000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 node_modules $(H5P_PLAYER) $(SCORM_RUNTIME) $(WORKBOX)

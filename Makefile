# The two commands of the README: `make run` and `make test`. Everything else here serves them.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest, e.g. make test ARGS="tests/test_pages.py -k home"
ARGS ?=
# pytest-xdist workers for make test: one per core; 0 runs the suite in one process.
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help run serve bench bench-mirror readers test messages fonts screenshots install install-dev lint format publish-scheduled clean

help:
	@echo "make run    set up, load demo content and serve at http://$(HOST):$(PORT)/"
	@echo "make test   set up and run the whole test suite (ARGS=... passes arguments to pytest)"
	@echo "make serve  production server: gunicorn with the environment's settings (docs/deploy.md)"
	@echo "make bench  load benchmark on PostgreSQL and Redis; writes docs/performance.md"
	@echo "make bench-mirror   static mirror build time and size, demo and large data set; writes docs/performance.md"
	@echo "make readers   page weight, requests and Lighthouse scores in Chromium; writes docs/performance.md"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make screenshots   refresh the screenshots in docs/img from the browser tests"
	@echo "make fonts  subset the Persian font from npm's vazirmatn into static/fonts/ (committed)"
	@echo "make format ruff format and ruff check --fix"
	@echo "make publish-scheduled   publish and unpublish what is due now (run it every minute)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV): on Debian or Ubuntu, install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime

# The interface translations, compiled without GNU gettext (advocacy/compile_messages.py).
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
messages: $(MESSAGES)
%.mo: %.po | $(VENV)/.runtime
	$(BIN)/python -m advocacy.compile_messages $<
install-dev: $(VENV)/.dev

# The Persian font, subset from the vazirmatn npm package (advocacy/subset_font.py). The result
# is committed, so only a change of package or characters needs this, and npm.
fonts: install-dev node_modules/.package-lock.json
	$(BIN)/python -m advocacy.subset_font

# `make run` is for trying the site on one machine, so DEBUG is on and no secret is needed.
# Family contact requests are encrypted as in production, with a key of this checkout's own in
# .venv/ (never in the repository), unless the environment or .env gives one.
DEV_KEY := $(VENV)/family-contact.key
$(DEV_KEY): | $(VENV)/.runtime
	$(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > $@
WITH_KEY = if [ -z "$$FAMILY_CONTACT_KEYS" ] && ! grep -qs '^FAMILY_CONTACT_KEYS=' .env; then \
	export FAMILY_CONTACT_KEYS="$$(cat $(DEV_KEY))"; fi;
# The environment `make run` gives the site, for the other targets that act on that same site:
# DEBUG on unless the environment or .env names a SECRET_KEY (then it is a configured site).
QUICK_START = $(WITH_KEY) if [ -z "$$SECRET_KEY" ] && ! grep -qs '^SECRET_KEY=' .env; then \
	export DEBUG="$${DEBUG:-true}"; fi;
# Beside the server, the worker of the background queues (docs/deploy.md): the mirror's rebuild,
# the warm after a publish, and the mail (followers' mail, acknowledgements), which nothing
# else sends. It stops with the server (Ctrl-C).
WORKER_QUEUES := --backend=database --queue-name=mirror,warm,mail
run: export DEBUG := true
run: install messages $(DEV_KEY)
	$(WITH_KEY) $(BIN)/python manage.py migrate --no-input
	$(WITH_KEY) $(BIN)/python manage.py load_demo_content --if-empty
	$(WITH_KEY) $(BIN)/python manage.py ensure_admin
	$(WITH_KEY) $(BIN)/python manage.py db_worker $(WORKER_QUEUES) --no-reload & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: the environment (or .env) gives SECRET_KEY, DATABASE_URL and the rest. Static files
# are collected with hashed, compressed names that whitenoise serves with immutable caching.
WEB_CONCURRENCY ?= 3
serve: install messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/gunicorn advocacy.wsgi --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) \
		--access-logfile - --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms' \
		--logger-class advocacy.gunicorn_logging.PrivateLogger \
		--forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}" --no-control-socket

# Needs PostgreSQL and Redis on 127.0.0.1 and wrk (Debian: apt-get install wrk).
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m benchmarks.bench

# How long the static mirror takes to build (demo and large data set), and the copy served;
# `make bench` runs it too, after the live pages.
bench-mirror: install
	@command -v wrk >/dev/null || { echo "make bench-mirror needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m benchmarks.mirror

# Page weight, requests and Lighthouse scores in Chromium (and npm for Lighthouse).
readers: install-dev
	$(BIN)/python -m benchmarks.readers

# The HTML check needs the Nu HTML Checker from npm (and Java); without npm it is skipped.
test: install-dev messages node_modules/.package-lock.json
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(ARGS)

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the HTML check will be skipped"; fi

# The browser tests take the screenshots in docs/editors.md; this refreshes them in docs/img.
screenshots: install-dev
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/browser

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Publishes pages, developments and appeals whose go-live time has come, and takes down what
# has expired. Production runs it every minute: see docs/deploy.md.
publish-scheduled: install $(DEV_KEY)
	$(QUICK_START) $(BIN)/python manage.py publish_scheduled

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache

# The two commands a newcomer needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.DEFAULT_GOAL := help
.PHONY: help python-version run test lint format migrate demo worker beat clean bench bench-smoke bench-cluster bench-surge messages

help:
	@echo "make run    - the site with demo content on http://127.0.0.1:$(PORT) (no services needed)"
	@echo "make test   - lint, types, deployment and migration checks, and the whole test suite with coverage"
	@echo "make worker - a Celery worker against CELERY_BROKER_URL"
	@echo "make beat   - the Celery scheduler against CELERY_BROKER_URL"
	@echo "make bench  - the benchmark on the production shape; report in bench/results/"
	@echo "make bench-smoke - every benchmark scenario at tiny size (what CI runs)"
	@echo "make bench-cluster - the production shape as several hosts: 2 web instances, HAProxy, PgBouncer"
	@echo "make bench-surge - readers and signers through Varnish, with the site stopped for 30 s"
	@echo "make messages - update the Welsh catalogue from the code (needs gettext), then compile it"

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Python 3.11 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "Install a newer Python, or point at one: make PYTHON=python3.12 ..."; exit 1; }

$(BIN)/python: | python-version
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==24.3.1

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# The development server uses the embedded defaults unless the environment says otherwise. Without
# a broker it also runs beat's periodic tasks in a thread of its own (consult/scheduler.py).
run: export DEBUG ?= 1
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The checking tools the tests use (axe-core, the Nu HTML Checker), exactly as package-lock.json pins
# them. --ignore-scripts: vnu-jar's install script would download a Java runtime; the machine has Java.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# A production site's variables for `check --deploy`; the key signs nothing, it only has to look
# like a real one.
DEPLOY_CHECK_ENV := DEBUG=0 ALLOWED_HOSTS=consult.example.org SITE_URL=https://consult.example.org \
	EMAIL_URL=smtp://mail.example.org:587 SECRET_KEY=only-for-make-test-check-deploy-0f3a9c1e7b5d2468ace13579bdf \
	OPERATOR_NAME=Consult OPERATOR_EMAIL=hello@consult.example.org

# Tests read DEBUG=1 only to skip the production-only settings checks at import; Django's test
# runner still runs every test with DEBUG off. DATABASE_URL and REDIS_URL, when set, are used.
# tests/settings.py installs the optional apps too, so their migrations and types are checked.
test: export DEBUG ?= 1
test: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	env $(DEPLOY_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run --settings tests.settings
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage report --fail-under=80

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (Debian: apt install gettext). See README.md, "Languages".
messages: export DEBUG ?= 1
messages: $(VENV)/.installed
	$(BIN)/python manage.py update_translations

worker: $(VENV)/.installed
	$(BIN)/celery -A config worker --loglevel=INFO

beat: $(VENV)/.installed
	$(BIN)/celery -A config beat --loglevel=INFO

# The benchmark starts (and stops) its own gunicorn, worker and SMTP sink; see bench/run.py.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run

bench-smoke: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run --smoke

# B7 alone: two gunicorn instances behind HAProxy, PgBouncer, two workers and beat; see bench/cluster.py.
bench-cluster: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run --only B7 --set signatures=100000 tokens=1000

# B6 alone: readers and signers through Varnish while gunicorn stops for 30 s; see bench/surge.py.
bench-surge: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run --only B6 --set signatures=100000 tokens=1000

clean:
	rm -rf $(VENV) node_modules staticfiles .coverage htmlcov .pytest_cache .mypy_cache

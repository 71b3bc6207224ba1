# The two commands a newcomer needs (see README.md):
#   make demo   set everything up, load the demo story, print the editor login, serve the site
#               with a background task worker (photo renditions) running beside it
#   make test   install the test dependencies and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_FIXTURE := articles/fixtures/demo/seed.json
# The Nu HTML Checker and axe-core for the page checks, from tests/package-lock.json.
PAGE_CHECKERS := tests/node_modules/.package-lock.json

.PHONY: demo test venv serve

venv:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: export DEBUG = true
demo: venv
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_articles $(DEMO_FIXTURE)
	$(BIN)/python manage.py make_renditions
	$(BIN)/python manage.py demo_editor
	@echo "Serving http://127.0.0.1:8000/ with a task worker beside it (Ctrl-C stops both)"
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv $(PAGE_CHECKERS)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# --ignore-scripts: vnu-jar's install script would download a Java runtime; we use the one
# installed. Without npm the page checks skip with a reason (and fail under CI=true).
$(PAGE_CHECKERS): tests/package.json tests/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else \
	  echo "npm not found: the HTML and accessibility checks will skip"; \
	fi

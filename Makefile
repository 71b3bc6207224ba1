# The two commands a newcomer needs (see README.md):
#   make demo   set everything up, load the demo story, print the editor login, serve the site
#   make test   install the test dependencies and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_FIXTURE := articles/fixtures/demo/seed.json

.PHONY: demo test venv serve

venv:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

demo: export DEBUG = true
demo: venv
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py import_articles $(DEMO_FIXTURE)
	$(BIN)/python manage.py demo_editor
	@echo "Serving http://127.0.0.1:8000/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Two commands set everything up on a fresh machine (see README.md):
#   make demo   virtualenv, database, real regions, synthetic population, demo accounts, server on :8000
#   make test   lint, type-check and the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PEOPLE ?= 50000
SEED ?= 1

.PHONY: demo test install lint typecheck pytest messages clean

$(BIN)/bansos: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/bansos

install: $(BIN)/bansos

demo: install
	$(BIN)/bansos demo --people $(PEOPLE) --seed $(SEED)
	$(BIN)/bansos runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: install
	$(BIN)/pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

test: lint typecheck pytest

messages: install
	$(BIN)/bansos makemessages -l id --ignore='.venv/*' --ignore='var/*' --ignore='*/tests/*' --ignore='bench/*'
	$(BIN)/bansos compilemessages --ignore='.venv/*'

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

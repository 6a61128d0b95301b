# The two commands of the README, and a few more for developers.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint bench clean

run: $(STAMP)
	$(BIN)/reprise up

test: $(STAMP) lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench.event_store_appends
	$(BIN)/python -m bench.queue_load
	$(BIN)/python -m bench.broker_floor
	$(BIN)/python -m bench.pipeline
	$(BIN)/python -m bench.read_side
	$(BIN)/python -m bench.audio
	$(BIN)/python -m bench.gateway

$(STAMP): pyproject.toml
	python3.12 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache var

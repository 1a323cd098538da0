# newsstream — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint schemas venv bench evaluate clean kafka kafka-if-possible

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsstream demo

# Apache Kafka's jars from Maven Central (deploy/kafka/pom.xml) into .newsstream/kafka-<version>.
kafka: $(STAMP)
	$(BIN)/python -m newsstream.kafka_cluster fetch

# The same when Java and Maven are here; otherwise it says so (the Kafka tests then skip).
kafka-if-possible: $(STAMP)
	$(BIN)/python -m newsstream.kafka_cluster fetch-if-possible

test: $(STAMP) kafka-if-possible
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not integration and not slow"

lint: $(STAMP)
	$(BIN)/ruff check src tests

schemas: $(STAMP)
	$(BIN)/newsstream schemas

evaluate: $(STAMP)
	$(BIN)/newsstream evaluate --extraction tests/data/extraction/gold.jsonl
	$(BIN)/newsstream evaluate tests/data/stories/test.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .newsstream build src/*.egg-info

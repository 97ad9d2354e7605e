# The README's two commands are `make run` and `make test`; both set up the environment first.
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1

.PHONY: setup run test lint schemas clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# The main job.
run: setup
	$(BIN)/dateline validate tests/data/valid

test: setup lint
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .

# Regenerate schemas/document.schema.json after changing the document model.
schemas: setup
	$(BIN)/python -m dateline.schemas.jsonschema

clean:
	rm -rf $(VENV) build *.egg-info

# The README's two commands are `make run` and `make test`; both set up the environment first.
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1

.PHONY: setup run test lint schemas docs clean studio-server browser

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# The main job.
run: setup
	$(BIN)/dateline corpus build
	$(BIN)/dateline benchmark

test: setup lint studio-server browser
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .

# Debian's chromium for the screenshot tests of the error-report page (CI runs as root with
# access to Debian's mirror; the tests never skip when CI=true).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# Label Studio server for the integration tests, in its own venv: it pins its own numpy/pandas.
# uv installs it in ~10 s (pip: ~60 s); the marker skips the install when this version is present.
STUDIO_VENV ?= .venv-studio
LABEL_STUDIO_VERSION := 1.23.2
export LS_BIN := $(abspath $(STUDIO_VENV))/bin/label-studio

studio-server: $(STUDIO_VENV)/.installed-$(LABEL_STUDIO_VERSION)

$(STUDIO_VENV)/.installed-$(LABEL_STUDIO_VERSION): | setup
	$(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv venv --quiet --allow-existing \
		-p "$$(python3 -c 'import sys; print(sys.executable)')" $(STUDIO_VENV)
	VIRTUAL_ENV=$(abspath $(STUDIO_VENV)) $(BIN)/uv pip install --quiet \
		label-studio==$(LABEL_STUDIO_VERSION)
	touch $@

# Regenerate schemas/document.schema.json after changing the document model.
schemas: setup
	$(BIN)/python -m dateline.schemas.jsonschema

# Regenerate docs/errors.md after changing the error-code registry (schemas/codes.py), and
# docs/metrics.md after changing a metric card (evaluation/*.py docstrings) or labels.json.
docs: setup
	$(BIN)/python -m dateline.schemas.codes_docs docs/errors.md
	$(BIN)/python -m dateline.metrics_docs docs/metrics.md

clean:
	rm -rf $(VENV) build *.egg-info

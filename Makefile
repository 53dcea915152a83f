# `make run`: set up .venv and execute the notebook (the main job).
# `make test`: set up .venv and run the tests (nbval re-executes the notebook in quick mode).
# `make test-random [SEED=n]`: the same tests in a shuffled order (pytest-randomly).
# `make test-oldest`: the same tests with the older packages of requirements-oldest.txt, in .venv-oldest.
# `make test-backends`: the notebook under PyTorch too (requirements-backends.txt), in .venv-backends.
# `make lint`: ruff checks and formats (pyproject.toml). `make lab`: JupyterLab on the project.
# `make cv NAME=... [CV_ARGS=...]`: cross-validate a recipe (benchmarks/cv.py).
# `make test-browser`: the notebook and its drawing pad in JupyterLab, in headless Chromium.
# `make kaggle-push [KERNEL_ID=user/slug]`, `make kaggle-submit`: the Kaggle round trip.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TESTING := $(VENV)/.testing
OLDEST := .venv-oldest
BACKENDS := .venv-backends

KAGGLE_PYTHON ?= $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
LAB_PORT ?= 8888

.PHONY: run test test-random test-oldest test-backends bench cv sample lint lab test-browser kaggle-push \
	kaggle-submit clean

run: $(INSTALLED)
	mkdir -p .run
	$(BIN)/papermill digit_recognizer.ipynb .run/digit_recognizer.ipynb --log-output
	mv .run/digit_recognizer.ipynb digit_recognizer.ipynb

# Two processes, a test file at a time (conftest.py).
PARALLEL := -n 2 --dist loadfile
test: $(TESTING)
	$(BIN)/python -m pytest $(PARALLEL)

SEED ?= $(shell date +%s)
test-random: $(TESTING)
	$(BIN)/python -m pytest $(PARALLEL) -p randomly --randomly-seed=$(SEED)

$(TESTING): requirements-test.txt $(INSTALLED)
	$(BIN)/python -m pip install --quiet --progress-bar off -r requirements-test.txt
	touch $@

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lab: $(INSTALLED)
	$(BIN)/jupyter lab --port $(LAB_PORT) $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) digit_recognizer.ipynb

# Debian's chromium (the only browser this can install offline of Playwright's own downloads).
test-browser: $(INSTALLED) $(VENV)/.browser
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "error: no chromium on PATH; install it (Debian: sudo apt-get install chromium)"; exit 1; \
	  fi; }
	$(BIN)/python -m pytest --browser tests/browser

$(VENV)/.browser: requirements-browser.txt $(INSTALLED)
	$(BIN)/python -m pip install --quiet --progress-bar off -r requirements-browser.txt
	touch $@

kaggle-push:
	@$(KAGGLE_PYTHON) scripts/kaggle_round_trip.py push $(if $(KERNEL_ID),--id $(KERNEL_ID))

kaggle-submit:
	@$(KAGGLE_PYTHON) scripts/kaggle_round_trip.py submit

test-oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python -m pytest

test-backends: $(BACKENDS)/.installed
	$(BACKENDS)/bin/python -m pytest tests/test_backends.py

# The contenders side by side on the full data in data/: hours on 2 CPU cores, most of them for the ensemble
# (ten models of up to 30 epochs each), minutes on one GPU. See benchmarks/README.md.
bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench.py

cv: $(INSTALLED)
	@test -n "$(NAME)" || { echo "usage: make cv NAME=<recipe> [CV_ARGS='--folds 5']"; exit 1; }
	$(BIN)/python benchmarks/cv.py run $(NAME) $(CV_ARGS)

sample: $(INSTALLED)
	$(BIN)/python scripts/make_sample.py

# A fresh Debian has Python but may lack its venv module: install it when we can.
# $(call make_venv,FOLDER,REQUIREMENTS) creates the virtual environment FOLDER with those packages.
define make_venv
	@test -n "$(PYTHON)" || { echo "error: no python3.11 or python3 on PATH; install Python 3.11"; exit 1; }
	$(PYTHON) -m venv --clear $(1) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv --clear $(1); \
	  else \
	    echo "error: '$(PYTHON) -m venv' failed; install your system's python3-venv package and retry"; exit 1; \
	  fi; }
	$(1)/bin/python -m pip install --quiet --progress-bar off --upgrade pip
	$(1)/bin/python -m pip install --quiet --progress-bar off -r $(2)
	touch $(1)/.installed
endef

$(INSTALLED): requirements.txt
	$(call make_venv,$(VENV),requirements.txt)

$(OLDEST)/.installed: requirements-oldest.txt
	$(call make_venv,$(OLDEST),requirements-oldest.txt)

$(BACKENDS)/.installed: requirements.txt requirements-test.txt requirements-backends.txt
	$(call make_venv,$(BACKENDS),requirements-backends.txt)

clean:
	rm -rf $(VENV) $(OLDEST) $(BACKENDS) .run .pytest_cache

# `make run`: set up .venv and execute the notebook (the main job).
# `make test`: set up .venv and run the tests (nbval re-executes the notebook in quick mode).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test bench sample clean

run: $(INSTALLED)
	mkdir -p .run
	$(BIN)/papermill digit_recognizer.ipynb .run/digit_recognizer.ipynb --log-output
	mv .run/digit_recognizer.ipynb digit_recognizer.ipynb

test: $(INSTALLED)
	$(BIN)/python -m pytest

# The contenders side by side on the full data in data/ (about 2 hours 15 minutes on 2 CPU cores, the ensemble of 10 included).
bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench.py

sample: $(INSTALLED)
	$(BIN)/python scripts/make_sample.py

# A fresh Debian has Python but may lack its venv module: install it when we can.
$(INSTALLED): requirements.txt
	@test -n "$(PYTHON)" || { echo "error: no python3.11 or python3 on PATH; install Python 3.11"; exit 1; }
	$(PYTHON) -m venv --clear $(VENV) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv --clear $(VENV); \
	  else \
	    echo "error: '$(PYTHON) -m venv' failed; install your system's python3-venv package and retry"; exit 1; \
	  fi; }
	$(BIN)/python -m pip install --quiet --progress-bar off --upgrade pip
	$(BIN)/python -m pip install --quiet --progress-bar off -r requirements.txt
	touch $@

clean:
	rm -rf $(VENV) .run .pytest_cache

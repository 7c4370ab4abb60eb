# The two commands a learner needs: `make lab` (open the tutorial) and `make test` (run every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup lab test notebooks bench clean

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/python -m helpers.launch

# conftest.py forces the offline emulator for every test, whatever .env says. Two workers
# (pytest-xdist): a notebook, a test module, or all the Chromium tests stay in one worker.
# tests/chromium.py --install finds the browser tests' Chromium, or installs one (apt-get as
# root on Debian/Ubuntu, else Playwright's download) and says what to run if it cannot.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python tests/chromium.py --install
	$(BIN)/pytest -n 2 --dist loadgroup --nbval --nbval-current-env --durations=15 tests notebooks

notebooks: $(STAMP)
	TWILIO_MODE=emulator $(BIN)/python scripts/run_notebooks.py

bench: $(STAMP)
	TWILIO_MODE=emulator $(BIN)/python benchmarks/bench_emulator.py
	TWILIO_MODE=emulator $(BIN)/python benchmarks/bench_emulator_layers.py
	TWILIO_MODE=emulator $(BIN)/python benchmarks/bench_bulk.py
	TWILIO_MODE=emulator $(BIN)/python benchmarks/bench_server.py

clean:
	rm -rf $(VENV) .emulator test-artifacts

# The two commands a new user needs: `make run` and `make test`.
# bash with pipefail: `benchmark | tee` fails when the benchmark does
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/jobclass.joblib

.PHONY: install run test train evaluate select lint clean readme bench

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(MODEL): $(STAMP) data/labeled_postings.csv data/calibration_postings.csv
	$(BIN)/jobclass train --data data/labeled_postings.csv --model $(MODEL)

run: $(MODEL)
	$(BIN)/jobclass predict examples/*.txt

train: $(STAMP)
	$(BIN)/jobclass train --data data/labeled_postings.csv --model $(MODEL)

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check jobclass tests scripts bench
	$(BIN)/ruff format --check jobclass tests scripts bench

# Real postings from ../shared/realworld (evaluation only): labeled by their work (per set, content alone
# and with titles), and labeled by their titles (dev.csv, with titles).
GOLD := ../shared/realworld/dev_content_gold.csv
DEV := ../shared/realworld/dev.csv
evaluate: $(MODEL)
	$(BIN)/jobclass evaluate --data $(GOLD) --no-title --group-by set --plot docs/gold_content_only.png
	$(BIN)/jobclass evaluate --data $(GOLD) --group-by set --plot docs/gold_with_titles.png
	$(BIN)/jobclass evaluate --data $(DEV) --plot docs/dev_with_titles.png
	$(BIN)/python bench/profiles_dev.py

# Model selection: candidate configurations trained, calibrated and scored on the dev gold (docs/model_selection.md).
select: $(STAMP)
	$(BIN)/python scripts/select_model.py

clean:
	rm -rf $(VENV) $(MODEL) models/jobclass.json

# Re-run the commands shown in README.md and paste their real output; then the `console` blocks, which
# need `jobclass serve` running on 127.0.0.1, and the screenshots of the web page (headless Chromium).
readme: $(MODEL)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/refresh_readme.py README.md
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/refresh_serve_readme.py README.md

# Benchmarks and accuracy checks against ../shared/realworld (not part of `make test`).
# Each prints its figures and keeps them in bench/results/ (the README quotes those files).
bench: $(MODEL)
	mkdir -p bench/results
	$(BIN)/python bench/skills_gold.py | tee bench/results/skills_gold.txt
	$(BIN)/python bench/batch.py | tee bench/results/batch.txt
	$(BIN)/python bench/profiles_dev.py
	$(BIN)/python bench/resume.py
	$(BIN)/python bench/training.py
	$(BIN)/python bench/serve.py

# The two commands a new user needs: `make run` and `make test`.
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

$(MODEL): $(STAMP) data/labeled_postings.csv
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

# Real postings from ../shared/realworld (evaluation only), with and without their titles.
DEV := ../shared/realworld/dev.csv
evaluate: $(MODEL)
	$(BIN)/jobclass evaluate --data $(DEV) --plot docs/dev_with_titles.png
	$(BIN)/jobclass evaluate --data $(DEV) --no-title --plot docs/dev_content_only.png

# Model selection: candidate configurations by 5-fold CV on our corpus, checked on dev (docs/model_selection.md).
select: $(STAMP)
	$(BIN)/python scripts/select_model.py

clean:
	rm -rf $(VENV) $(MODEL) models/jobclass.json

# Re-run the commands shown in README.md and paste their real output.
readme: $(MODEL)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/refresh_readme.py README.md

# Benchmarks and accuracy checks against ../shared/realworld (not part of `make test`).
bench: $(STAMP)
	$(BIN)/python bench/skills_gold.py
	$(BIN)/python bench/profiles_dev.py
	$(BIN)/python bench/batch.py
	$(BIN)/python bench/resume.py
	$(BIN)/python bench/training.py

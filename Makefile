# ceasefire-sim: the two commands of the README.
#   make demo   set up .venv, install the core + tables, run the three shipped scenarios (results/ + figures)
#   make test   set up .venv, install with test extras and a headless browser, run the tests
#   make validation-docs   regenerate docs/validation.md and its figures (a few minutes)
#   make docs-site   build the documentation site from docs/ into site/ (offline; open site/index.html)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test venv bench docs docs-site validation-docs clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the demo needs only the core and the tables extra; the tests need every extra
$(VENV)/.installed-demo: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[tables]"
	touch $@

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[all]"
	touch $(VENV)/.installed-demo $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed-demo
	$(BIN)/ceasefire-sim run scenarios/freeze.yaml --force
	$(BIN)/ceasefire-sim run scenarios/truce_30day.yaml --force
	$(BIN)/ceasefire-sim run scenarios/refusal.yaml --force
	$(BIN)/ceasefire-sim compare scenarios/freeze.yaml scenarios/truce_30day.yaml scenarios/refusal.yaml --force
	@echo "results in results/freeze, results/truce_30day, results/refusal (figures/ and report.html inside each)"
	@echo "side by side: results/compare-freeze-truce_30day-refusal/report.html"

test: venv
	bash scripts/install-browser.sh
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

bench: venv
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/program.py
	$(BIN)/python bench/design.py

docs: venv
	$(BIN)/ceasefire-sim explain --parameters --markdown > docs/parameters.md
	$(BIN)/ceasefire-sim explain --sources --markdown > docs/sources.md

docs-site: venv
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@echo "site/index.html: the documentation site (no server or network needed)"

validation-docs: venv
	$(BIN)/python scripts/make_validation_docs.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis site

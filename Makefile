# The course's commands. A fresh machine needs only Python 3.11+ and the package index.
#   make lab        create .venv if missing, then start JupyterLab on the course
#   make test       lint + unit tests + every notebook (fast mode), in parallel
#   make lint       ruff over helpers, tests, data and the notebooks
#   make exercises  regenerate exercises/ from solutions/ (and the course maps)
#   make map        rewrite the course map in README.md and 00_start_here
#   make results    run every notebook and solution in full mode -> results/RESULTS.md
#   make html       executed HTML reading copies under site/html (full mode)
#   make slides     offline reveal.js decks under site/slides (needs npm once)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
NOTEBOOK_DIRS := notebooks exercises solutions

.PHONY: env lab test unit lint exercises map clean clean-venv results html slides

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0] + ". Install it and run: make PYTHON=python3.11 lab")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lab: env
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_start_here.ipynb

lint: env
	$(BIN)/ruff check helpers tests data $(NOTEBOOK_DIRS)

# Two pytest workers share two cores: one BLAS thread each avoids oversubscription,
# which makes statsmodels fits (SARIMAX/VARMAX) many times slower.
test: lint
	COURSE_FAST=1 MPLBACKEND=Agg OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
		$(BIN)/python -m pytest -n $(JOBS) --dist loadfile \
		--nbval-lax --nbval-cell-timeout=600 tests $(NOTEBOOK_DIRS)

unit: env
	$(BIN)/python -m pytest tests

exercises: env
	$(BIN)/python -m helpers.exercises
	$(BIN)/python -m helpers.nbtools map

map: env
	$(BIN)/python -m helpers.nbtools map

clean-venv:
	rm -rf $(VENV)

clean: env
	$(BIN)/python -m helpers.nbtools clean

results: env
	$(BIN)/python -m helpers.runner results

html: env
	$(BIN)/python -m helpers.runner html

slides: env
	$(BIN)/python -m helpers.runner slides

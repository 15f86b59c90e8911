# The course's commands. A fresh machine needs only Python 3.11+ and the package index.
#   make lab        create .venv if missing, then start JupyterLab on the course
#   make test       lint + unit tests + docstring examples + every notebook, exercise and
#                   solution (fast mode), in parallel
#   make lock       regenerate requirements.txt (every package, hashes) from requirements.in
#   make test-latest  canary: newest releases of the top-level packages, whole suite (not CI)
#   make lint       ruff over helpers, tools, tests, data and the notebooks
#   make exercises  regenerate exercises/ from solutions/ (and the course maps)
#   make map        rewrite the course map in README.md and 00_start_here
#   make results    run every notebook and solution in full mode -> results/RESULTS.md
#   make site       the course website under site/html: navigation, search, offline (npm once)
#   make pdf        the whole course as LaTeX, and site/course.pdf where latexmk + XeLaTeX exist
#   make slides     offline reveal.js decks under site/slides (needs npm once)
#   make grade      EXERCISE=NN SUBMISSIONS=dir OUT=dir [JOBS=N] [FULL=1] [ROSTER=file.csv
#                   [ROSTER_KEY=column] [ASSIGNMENT=name]]: grade a class's notebooks
#   make gradescope EXERCISE=NN [FULL=1]: the exercise's Gradescope autograder zip (build/gradescope)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
NOTEBOOK_DIRS := notebooks exercises solutions
# Installs use uv when it is on the PATH; otherwise this version is bootstrapped into .venv
# with pip; if that fails too, plain pip installs the same lock (slower). NO_UV=1 forces pip.
UV_VERSION ?= 0.13.9
LOCK_FLAGS := --universal --generate-hashes --python-version 3.11 --custom-compile-command "make lock"

.PHONY: env lab test test-latest unit lint lock exercises map clean clean-venv results site pdf slides grade gradescope

env: $(STAMP)

# Prints the uv command to use, bootstrapping it into .venv if needed; prints nothing for pip.
define find_uv
if [ -n "$(NO_UV)" ]; then :; \
elif command -v uv >/dev/null 2>&1; then command -v uv; \
elif [ -x $(BIN)/uv ]; then echo $(BIN)/uv; \
elif $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) >&2; then echo $(BIN)/uv; \
else echo "make: could not install uv; installing with pip instead (slower)" >&2; fi
endef

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0] + ". Install it and run: make PYTHON=python3.11 lab")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@uv=$$($(find_uv)); \
	if [ -n "$$uv" ]; then \
		echo "Installing requirements.txt into $(VENV) with $$uv"; \
		$$uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt && \
		$$uv pip install --quiet --python $(BIN)/python --no-deps -e .; \
	else \
		echo "Installing requirements.txt into $(VENV) with pip"; \
		$(BIN)/python -m pip install --quiet -r requirements.txt && \
		$(BIN)/python -m pip install --quiet --no-deps -e .; \
	fi
	touch $(STAMP)

# Every transitive package pinned with hashes, for every platform TensorFlow 2.21 has wheels
# for. Keeps the current pins where they still fit; `make lock UPGRADE=1` moves to the newest.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@uv=$$($(find_uv)); \
	test -n "$$uv" || { echo "make lock needs uv (pip install uv)" >&2; exit 1; }; \
	$$uv pip compile requirements.in $(LOCK_FLAGS) $(if $(UPGRADE),--upgrade) --quiet -o requirements.txt
	@echo "Wrote requirements.txt; run make test to install and check it."

# The course's JupyterLab settings (tools/lab-settings): no "get notified about official
# Jupyter news?" prompt and no update check, so nothing distracts or calls out in class.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

$(LAB_SETTINGS): tools/lab-settings/overrides.json $(STAMP)
	mkdir -p $(dir $@) && cp tools/lab-settings/overrides.json $@

lab: env $(LAB_SETTINGS)
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_start_here.ipynb

lint: env
	$(BIN)/ruff check helpers tools tests data $(NOTEBOOK_DIRS)

# Two pytest workers share two cores: one BLAS thread each avoids oversubscription,
# which makes statsmodels fits (SARIMAX/VARMAX) many times slower. --doctest-modules runs
# the docstring examples of helpers/ and tools/. Each notebook, its solution and its
# exercise run in tests/test_exercise_notebooks.py, two numbers per kernel (nbval runs no
# notebook here: `pytest --nbval-lax notebooks/NN_*.ipynb` runs one alone). --dist loadscope
# keeps each file on one worker but spreads those classes over both; tests/conftest.py puts them
# first and --no-loadscope-reorder keeps that order (xdist's default starts the scopes with
# the most tests first, which puts the one-test notebook classes, the longest, last).
test: lint
	COURSE_FAST=1 MPLBACKEND=Agg OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
		$(BIN)/python -m pytest -n $(JOBS) --dist loadscope --no-loadscope-reorder --doctest-modules \
		tests helpers tools

# Canary for maintainers (not CI): a separate environment with the newest releases of the
# top-level packages in requirements.in, ignoring the lock; prints what moved, runs everything.
LATEST := build/latest-venv
TOP_LEVEL = $(shell sed -e 's/[=;#].*//' -e 's/[[:space:]]//g' requirements.in | grep -v '^$$')
LOCK_DIFF := import re, sys; pin = lambda t: dict((m[1].lower().replace("_", "-"), m[2]) for m in re.finditer(r"(?m)^([A-Za-z0-9][A-Za-z0-9_.-]*)==([^ ;\\\n]+)", t)); lock, new = pin(open("requirements.txt").read()), pin(sys.stdin.read()); [new.pop(n, None) for n in ("pip", "uv")]; moved = sorted(n for n in new if lock.get(n) != new[n]); gone = "(not in the lock)"; print("\n".join(f"  {n}: {lock.get(n, gone)} -> {new[n]}" for n in moved) or "  nothing: the lock is already the newest"); print(f"{len(moved)} of {len(new)} packages differ from requirements.txt")

test-latest: env
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	@uv=$$($(find_uv)); \
	if [ -n "$$uv" ]; then \
		$$uv pip install --quiet --python $(LATEST)/bin/python --upgrade $(TOP_LEVEL) && \
		$$uv pip install --quiet --python $(LATEST)/bin/python --no-deps -e . && \
		echo "Newest releases against the lock:" && \
		$$uv pip freeze --python $(LATEST)/bin/python | $(LATEST)/bin/python -c '$(LOCK_DIFF)'; \
	else \
		$(LATEST)/bin/python -m pip install --quiet --upgrade $(TOP_LEVEL) && \
		$(LATEST)/bin/python -m pip install --quiet --no-deps -e . && \
		echo "Newest releases against the lock:" && \
		$(LATEST)/bin/python -m pip freeze | $(LATEST)/bin/python -c '$(LOCK_DIFF)'; \
	fi
	@status=0; \
	$(LATEST)/bin/ruff check helpers tools tests data $(NOTEBOOK_DIRS) || status=1; \
	COURSE_FAST=1 MPLBACKEND=Agg OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
		$(LATEST)/bin/python -m pytest -n $(JOBS) --dist loadscope -p no:cacheprovider \
		--ignore=tests/test_lock.py \
		--deselect tests/test_environment.py::test_installed_environment_matches_pins \
		tests || status=1; \
	if [ $$status = 0 ]; then \
		echo "make test-latest: the course passes on the newest releases; consider make lock UPGRADE=1"; \
	else \
		echo "make test-latest: what failed above is what the newest releases break (the lock still holds)"; \
		exit 1; \
	fi

unit: env
	$(BIN)/python -m pytest tests

exercises: env
	$(BIN)/python -m tools.exercises
	$(BIN)/python -m tools.nbtools map

map: env
	$(BIN)/python -m tools.nbtools map

clean-venv:
	rm -rf $(VENV)

clean: env
	$(BIN)/python -m tools.nbtools clean

results: env
	$(BIN)/python -m tools.runner results

# Both use the executed copies of make results (running only missing or outdated ones).
site: env
	$(BIN)/python -m tools.site html

pdf: env
	$(BIN)/python -m tools.site pdf

slides: env
	$(BIN)/python -m tools.runner slides

# JOBS defaults to the number of cores here unless given on the command line or environment.
grade: env
	@test -n "$(EXERCISE)" && test -n "$(SUBMISSIONS)" && test -n "$(OUT)" || { echo "usage: make grade EXERCISE=NN SUBMISSIONS=dir OUT=dir [JOBS=N] [FULL=1] [ROSTER=file.csv [ROSTER_KEY=column] [ASSIGNMENT=name]]" >&2; exit 2; }
	$(BIN)/python -m tools.grading --exercise $(EXERCISE) --submissions $(SUBMISSIONS) --out $(OUT) $(if $(filter-out file,$(origin JOBS)),--jobs $(JOBS)) $(if $(FULL),--full) $(if $(ROSTER),--roster "$(ROSTER)") $(if $(ROSTER_KEY),--roster-key "$(ROSTER_KEY)") $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)")

gradescope: env
	@test -n "$(EXERCISE)" || { echo "usage: make gradescope EXERCISE=NN [FULL=1]" >&2; exit 2; }
	$(BIN)/python -m tools.gradescope build --exercise $(EXERCISE) $(if $(FULL),--full)

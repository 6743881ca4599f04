# Instructor entry points. Every target installs what it needs first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
MODULE ?= spectral
SUBMISSIONS ?= submissions
OUT    ?= out/grades
WORKERS ?= 2

.PHONY: install test release demo grade report bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@# bytecode now: with PYTHONDONTWRITEBYTECODE set, every grading process would compile it
	$(PY) -m compileall -q autograder solutions > /dev/null
	touch $(STAMP)

test: install
	$(PY) -m pytest tests

release: install
	$(PY) -m autograder release

demo: install
	$(PY) -m autograder demo

grade: install
	@test -d "$(SUBMISSIONS)" || { echo "error: submissions folder $(SUBMISSIONS) does not exist" >&2; exit 2; }
	@test -n "$$(ls -A "$(SUBMISSIONS)")" || { echo "error: submissions folder $(SUBMISSIONS) is empty" >&2; exit 2; }
	$(PY) -m autograder grade $(MODULE) $(SUBMISSIONS)/* --out $(OUT) --workers $(WORKERS)
	$(PY) -m autograder report $(OUT)
	$(if $(SIMILARITY),$(PY) -m autograder similarity $(MODULE) $(SUBMISSIONS)/* --out $(OUT)/similarity)

report: install
	$(PY) -m autograder report $(OUT)

bench: install
	$(PY) -m benchmarks

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check autograder tests benchmarks solutions

clean:
	rm -rf $(VENV) out dist .pytest_cache

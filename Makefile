# Two commands do all the set-up on a fresh Debian machine:  make demo   and   make test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
NOW ?= 2026-03-15T12:00:00+09:00

.PHONY: setup demo test bench samples clean
setup: .system-deps $(VENV)/.installed

.system-deps: scripts/setup-system.sh
	bash scripts/setup-system.sh
	touch $@

# tesserocr is built from source against the system Tesseract (its PyPI wheel bundles another Tesseract), so the
# in-process engine and the `tesseract` command are the same version; the build needs the system packages first.
$(VENV)/.installed: pyproject.toml .system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-binary tesserocr -e '.[dask,dev,tesserocr]'
	touch $@

demo: setup   ## build every sample packet into out/ and print the summary
	# Some sample packets fail on purpose (exit 1); only a usage error, a missing dependency or a bug fails the demo.
	$(VENV)/bin/evpack batch samples/packets -o out --now $(NOW) || test $$? -eq 1
	@echo "Open out/report.html in a browser; each bundle is in out/<claim_id>/."

test: setup
	$(PY) -m pytest -n 2 -q

bench: setup
	$(PY) bench/run.py

samples: setup   ## regenerate samples/ (deterministic)
	$(PY) samples/generate.py

clean:
	rm -rf out .pytest_cache

# KVM Knowledge Base - the commands contributors and CI use.
#   make serve   preview with live reload at http://127.0.0.1:8000
#   make test    every test (installs what it needs; see scripts/bootstrap)
#   make check   fast subset: build + content and macro tests (Python only)
#   make offline the offline copy (file://, search included) as offline/*.zip

SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
ADDR  ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test check build offline publish bench lock vendor diagrams clean help

help:
	@sed -n '2,5p' Makefile

$(VENV)/.installed: requirements.txt scripts/bootstrap
	scripts/bootstrap python
	@touch $@

serve: $(VENV)/.installed
	KVMKB_STRICT=false KVMKB_MACROS_FAIL=false $(VENV)/bin/mkdocs serve --livereload -a $(ADDR)

test:
	scripts/bootstrap all
	@touch $(VENV)/.installed
	$(PY) -m pytest

check: $(VENV)/.installed
	$(PY) -m pytest -m "not system"

build: $(VENV)/.installed
	$(VENV)/bin/mkdocs build --strict

offline: $(VENV)/.installed
	$(PY) scripts/build_offline.py

# What the deploy job publishes: the site, with the offline zip linked from its footer.
publish: offline
	KVMKB_OFFLINE_ZIP=offline/kvm-knowledge-base-offline.zip $(VENV)/bin/mkdocs build --strict

bench:
	scripts/bootstrap all
	$(PY) scripts/benchmark.py

lock: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet pip-tools==7.6.2
	$(VENV)/bin/pip-compile --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in

diagrams: $(VENV)/.installed
	$(PY) scripts/render_diagrams.py

vendor:
	npm ci --no-audit --no-fund
	scripts/vendor-assets

clean:
	rm -rf site .pytest_cache .cache

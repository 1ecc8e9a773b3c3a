# KVM Knowledge Base - the commands contributors and CI use.
#   make serve   preview with live reload at http://127.0.0.1:8000 (English; KVMKB_ZH=true adds /zh/)
#   make test    every test (installs what it needs; see scripts/bootstrap)
#   make check   strict build, then the fast tests (Python only); stops at the first failure
#   make verify  rerun the hands-on tests and rewrite data/verified/*.json (commit them)
#   make sources verify data/source-files/ against the pinned source trees (see data/README.md)
#   make offline the offline copy (file://, search included) as offline/*.zip

SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
ADDR  ?= 127.0.0.1:8000
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve test check verify sources build offline publish bench lock vendor diagrams clean help

help:
	@sed -n '2,8p' Makefile

$(VENV)/.installed: requirements.txt scripts/bootstrap
	scripts/bootstrap python
	@touch $@

serve: $(VENV)/.installed
	$(PY) scripts/serve.py -a $(ADDR)

test:
	scripts/bootstrap all
	@touch $(VENV)/.installed
	$(PY) -m pytest

check: $(VENV)/.installed
	$(PY) scripts/check.py

# The hands-on and lab tests, writing what they verified to data/verified/
# (make test checks the same programs but writes nothing). Commit the result.
verify:
	scripts/bootstrap all
	@touch $(VENV)/.installed
	KVMKB_WRITE_VERIFIED=1 $(PY) -m pytest tests/handson tests/labs
	@git status --short data/verified

# Every path in data/source-files/ must exist in the pinned release:
#   make sources LINUX=~/src/linux QEMU=~/src/qemu LIBVIRT=~/src/libvirt
# (git clones are read at the pinned tag; unpacked release tarballs are read as they are), or
#   make sources FETCH=1   (downloads the three release tarballs into .cache/sources/)
sources: $(VENV)/.installed
	$(PY) scripts/sources.py $(if $(LINUX),--linux $(LINUX)) $(if $(QEMU),--qemu $(QEMU)) \
	  $(if $(LIBVIRT),--libvirt $(LIBVIRT)) $(if $(FETCH),--fetch)

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

# The two commands: `make run` and `make test`. Everything else is set-up they share.
#
# Python: the newest of python3.13, python3.12, python3.11 and python3 that is 3.11–3.13 (the
# versions pyproject.toml accepts); `make run PYTHON=/path/to/python3.12` picks one by hand.
SUPPORTED_PYTHON := (3, 11) <= sys.version_info[:2] < (3, 14)
ifndef PYTHON
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
  "$$p" -c 'import sys; sys.exit(0 if $(SUPPORTED_PYTHON) else 1)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
endif
NO_PYTHON := 需要 Python 3.11、3.12 或 3.13：Debian/Ubuntu 运行 sudo apt install python3 python3-venv，macOS 运行 brew install python@3.13，或用 PYTHON=/path/to/python3.x 指定 / Python 3.11, 3.12 or 3.13 is required: on Debian/Ubuntu sudo apt install python3 python3-venv, on macOS brew install python@3.13, or name one with PYTHON=/path/to/python3.x
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test setup lint messages clean vendor-echarts

$(STAMP): pyproject.toml
	$(if $(PYTHON),,$(error $(NO_PYTHON)))
	@"$(PYTHON)" -c 'import sys; sys.exit(0 if $(SUPPORTED_PYTHON) else 1)' 2>/dev/null || { \
	  echo "错误：$(PYTHON) 不是 Python 3.11–3.13（gongzhi 支持 3.11、3.12、3.13） / Error: $(PYTHON) is not Python 3.11–3.13 (gongzhi runs on 3.11, 3.12 and 3.13)" >&2; exit 1; }
	@test -x $(PY) || "$(PYTHON)" -c 'import ensurepip' 2>/dev/null || { \
	  echo "错误：$(PYTHON) 缺少 venv 模块，请安装 python3-venv（Ubuntu 24.04：sudo apt install python3.12-venv） / Error: $(PYTHON) cannot create a virtual environment: install python3-venv (Ubuntu 24.04: sudo apt install python3.12-venv)" >&2; exit 1; }
	@echo "== $$("$(PYTHON)" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
	test -x $(PY) || "$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Before the server starts, scripts/preflight.py checks what a first run trips over — var/ not
# writable, the port taken, a database file from an older (or newer) version — and says so in one
# line in Chinese and English; it migrates the database (keeping a copy of an older one first).
run: setup
	@DEBUG=1 PORT=$(PORT) $(PY) scripts/preflight.py
	DEBUG=1 $(PY) manage.py demo
	@# One task worker in the background (SLA sweep every CASES_SWEEP_MINUTES, notifications),
	@# stopped with the server (Ctrl+C or any exit).
	DEBUG=1 $(PY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

# Translations (source strings English, zh_Hans the default UI). Each app keeps its own catalogue in
# gongzhi/<app>/locale; strings of the project package (gongzhi/templates, settings.py, api.py, …)
# go to gongzhi/locale (LOCALE_PATHS): that run ignores everything inside the app folders.
# Afterwards fill in every new msgstr, then `make messages` again to compile (.mo files are committed).
# `make messages I18N_APPS="core areas"` refreshes only those apps' catalogues (plus the project's).
ALL_APPS := $(patsubst gongzhi/%/apps.py,%,$(wildcard gongzhi/*/apps.py))
I18N_APPS ?= $(ALL_APPS)
MANAGE_DEV := DEBUG=1 $(abspath $(PY)) $(abspath manage.py)
MAKEMESSAGES := makemessages -l zh_Hans --no-obsolete --add-location=file

messages: setup
	@set -e; for app in $(I18N_APPS); do \
	  mkdir -p gongzhi/$$app/locale; \
	  echo "== gongzhi/$$app/locale"; (cd gongzhi/$$app && $(MANAGE_DEV) $(MAKEMESSAGES)); \
	done
	@echo "== gongzhi/locale (project: templates, settings, api)"
	cd gongzhi && $(MANAGE_DEV) $(MAKEMESSAGES) $(foreach app,$(ALL_APPS),--ignore='$(app)/?*') --ignore='static/?*'
	cd gongzhi && $(MANAGE_DEV) compilemessages $(foreach app,$(filter-out $(I18N_APPS),$(ALL_APPS)),--ignore='$(app)')

clean:
	rm -rf $(VENV) var

# Apache ECharts (the dashboard's charts) is kept in gongzhi/static/vendor/echarts/, packed from the
# npm registry and checked against its integrity; `make vendor-echarts ECHARTS_VERSION=x.y.z` updates it.
ECHARTS_VERSION ?= 6.1.0
vendor-echarts:
	ECHARTS_VERSION=$(ECHARTS_VERSION) sh scripts/vendor_echarts.sh

# Files make reads are never "remade" (so `make -B` does not take them for unknown targets).
Makefile pyproject.toml: ;

# Any other target: one line saying which ones exist (instead of make's "No rule to make target").
.DEFAULT:
	$(error 没有 “$@” 这个目标；可用：make run、make test（另有 setup、lint、messages、clean） / No target “$@”: use make run or make test (also setup, lint, messages, clean))

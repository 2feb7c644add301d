# The two commands: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test setup lint messages clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	DEBUG=1 $(PY) manage.py migrate --noinput
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

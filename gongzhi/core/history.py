"""The audit log as people read it: each event one sentence in the user's language — who (a display
name, or what the system was doing: 智能分拣, 系统自动督办 …), did what (a translated sentence, never
`cases.case.submit`), what changed (the field's verbose name, the value as users know it: the
matter's name not its code, a person's name not `assignee 5`, local time not UTC ISO) and the note.

How each app's events read is declared by the app, not here: an optional module
`gongzhi/<app>/history.py` with

- `DESCRIBE = {"<app>.<entity>.<verb>": _("sentence"), ...}` — what the action did, as the end of a
  sentence whose subject is the actor ("accepted the request" → 王社工 受理了诉求);
- `ACTORS = {"label": _("name"), "prefix:": _("name")}` — the names of the system actors the app
  writes as (`SystemActor(label=...)`); a key ending in ":" matches every label it begins;
- `FIELDS = {"key": (_("label"), format)}` — keys of the app's events that are not fields of the
  object's model (`format(value) -> str`, or None to show the value as it is);
- `HIDDEN = {"key", ...}` — keys that mean nothing to a reader (internal paths, row counters).

Everything else comes from the model: a key names a field (or its `_id`), read with its
`verbose_name`, its choices, the related row's own name (by primary key, or by `code`), dates in the
current time zone. An action no app describes reads by its verb ("created", "changed" …) and the
model's verbose name; a key no one can read is left out rather than shown raw."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from . import components

# Core's own system actors; apps add theirs in their history module.
ACTORS = {
    "system": gettext_lazy("The system (automatic)"),
    "command:demo": gettext_lazy("Demo data loader"),
    "command:": gettext_lazy("A system command"),
    "task:": gettext_lazy("An automatic job"),
    "test": gettext_lazy("The system (automatic)"),
    # Labels written below the apps that would name them (accounts' sign-in guard, integrations'
    # cameras and API keys are services, not people).
    "sign-in protection": gettext_lazy("Sign-in protection"),
    "camera:": gettext_lazy("Camera alert"),
    "apikey:": gettext_lazy("Connected system (API)"),
}
DESCRIBE = {
    "core.calendar_day.create": gettext_lazy("added a day to the working calendar"),
    "core.calendar_day.update": gettext_lazy("changed a day of the working calendar"),
    "core.calendar_day.delete": gettext_lazy("removed a day from the working calendar"),
}
# What a bare verb reads as, for the actions no app describes.
VERBS = {
    "create": pgettext_lazy("history", "created"),
    "bulk_create": pgettext_lazy("history", "created in bulk"),
    "save": pgettext_lazy("history", "saved"),
    "update": pgettext_lazy("history", "changed"),
    "edit": pgettext_lazy("history", "changed"),
    "delete": pgettext_lazy("history", "deleted"),
    "remove": pgettext_lazy("history", "removed"),
    "add": pgettext_lazy("history", "added"),
    "reveal": pgettext_lazy("history", "looked at the full personal data of"),
    "export": pgettext_lazy("history", "exported"),
    "activate": pgettext_lazy("history", "switched on"),
    "deactivate": pgettext_lazy("history", "switched off"),
}
# Keys no reader needs, whatever the model: bookkeeping, search copies, tree paths.
HIDDEN = {"updated_at", "created_at", "path", "area_path", "location_path", "name_initials", "name_pinyin"}
HIDDEN_SUFFIXES = ("_hash", "_index", "_path")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    """One event as the history shows it."""

    event: Any
    when: dt.datetime
    actor: str
    sentence: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""


# ---------------------------------------------------------------------------------------------
# The registry


@functools.cache
def _modules() -> dict[str, Any]:
    """app label → its history module (core's own is this one)."""
    import sys

    found = {"core": sys.modules[__name__]}
    for config, _component in components.installed():
        module = components.optional_module(f"{config.name}.history")
        if module is not None:
            found[config.label] = module
    return found


def _merged(name: str) -> dict:
    merged: dict = {}
    for module in _modules().values():
        merged.update(getattr(module, name, {}) or {})
    return merged


def described_actions() -> dict[str, str]:
    """Every action an app describes → its sentence (for checks and docs)."""
    return _merged("DESCRIBE")


def actor_name(user, label: str = "") -> str:
    """Who did it, as people know them: the user's display name, else the system actor's name."""
    if user is not None:
        return str(user)
    return system_actor_name(label)


def system_actor_name(label: str) -> str:
    actors = _merged("ACTORS")
    base = (label or "system").split(" (", 1)[0]
    if base in actors:
        return str(actors[base])
    prefixes = sorted((k for k in actors if k.endswith(":") and base.startswith(k)), key=len, reverse=True)
    if prefixes:
        return str(actors[prefixes[0]])
    return str(ACTORS["system"])


def sentence(action: str, model: type[models.Model] | None) -> str:
    """What the action did, translated ("accepted the request")."""
    described = _merged("DESCRIBE")
    if action in described:
        return str(described[action])
    verb = action.rsplit(".", 1)[-1]
    thing = str(model._meta.verbose_name) if model is not None else ""
    did = VERBS.get(verb)
    if did is None:
        return _("changed %(thing)s") % {"thing": thing} if thing else _("made a change")
    return _("%(did)s %(thing)s") % {"did": did, "thing": thing} if thing else str(did)


# ---------------------------------------------------------------------------------------------
# Values


class _Reader:
    """Turns the stored before/after of one object type into what people read, remembering the
    rows it looked up (a page of history asks for each related row once)."""

    def __init__(self, model: type[models.Model] | None, app_label: str):
        self.model = model
        module = _modules().get(app_label)
        self.fields_extra = getattr(module, "FIELDS", {}) or {}
        self.hidden = HIDDEN | set(getattr(module, "HIDDEN", ()) or ())
        self._rows: dict[tuple, str] = {}

    def _field(self, key: str):
        if self.model is None:
            return None
        try:
            return self.model._meta.get_field(key)
        except Exception:  # noqa: BLE001 — FieldDoesNotExist, and keys that are no name at all
            return None

    def label(self, key: str) -> str | None:
        if key in self.fields_extra:
            return str(self.fields_extra[key][0])
        model_field = self._field(key)
        if model_field is None or not hasattr(model_field, "verbose_name"):
            return None
        return str(model_field.verbose_name)

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if key in self.fields_extra and self.fields_extra[key][1] is not None:
            return str(self.fields_extra[key][1](value))
        model_field = self._field(key) if key not in self.fields_extra else None
        if isinstance(value, list):
            return "、".join(self.value(key, v) for v in value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if model_field is not None and model_field.is_relation and model_field.related_model is not None:
            return self._row(model_field.related_model, value)
        if model_field is not None and getattr(model_field, "choices", None):
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateTimeField) or (model_field is None and _looks_like_time(value)):
            return local_time(value)
        if isinstance(model_field, models.DateField) and isinstance(value, str):
            return value[:10]
        if isinstance(value, dict):
            return "—"
        return str(value)

    def _row(self, model: type[models.Model], value: Any) -> str:
        key = (model, value)
        if key not in self._rows:
            found = None
            manager = model._default_manager
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit() and not _has_code(model)):
                found = manager.filter(pk=value).first()
            elif _has_code(model):
                found = manager.filter(code=value).first()
            self._rows[key] = _display(found) if found is not None else _("(removed)")
        return self._rows[key]

    def changes(self, before: Any, after: Any) -> list[Change]:
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        out = []
        for key in [*before, *(k for k in after if k not in before)]:
            if key in self.hidden or key.endswith(HIDDEN_SUFFIXES):
                continue
            label = self.label(key)
            if label is None:
                continue  # a key nobody can read is not shown raw
            old = self.value(key, before[key]) if key in before else ""
            new = self.value(key, after[key]) if key in after else ""
            if key in before and key in after and old == new:
                continue
            out.append(Change(label=label, before=old, after=new))
        return out


def _has_code(model) -> bool:
    return any(f.name == "code" for f in model._meta.concrete_fields)


def _display(obj) -> str:
    return str(getattr(obj, "name", "") or obj)


def _looks_like_time(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T"


def local_time(value: Any) -> str:
    """An ISO time (stored in UTC) as users know it: in the current time zone, "2026-12-04 17:47"."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "Y-m-d H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "Y-m-d")
    return str(value)


# ---------------------------------------------------------------------------------------------
# Entries


def entries(events) -> list[Entry]:
    """The events (AuditEvent rows, actor joined) as the history shows them."""
    readers: dict[tuple, _Reader] = {}
    out = []
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        app_label = event.action.split(".", 1)[0]
        key = (model, app_label)
        if key not in readers:
            readers[key] = _Reader(model, app_label)
        out.append(Entry(
            event=event, when=event.created_at, actor=actor_name(event.actor, event.actor_label),
            sentence=sentence(event.action, model), changes=readers[key].changes(event.before, event.after),
            note=event.note,
        ))
    return out

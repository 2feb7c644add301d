"""Background work of the case pipeline: the SLA sweep.

The sweep works from the deadlines stored on each case, never from "what changed since the last
run": whatever is overdue now and has no supervision row yet gets one. A `Supervision` row is
unique per case, level and kind, so running twice (or two workers at once) raises it once, and a
sweep after downtime catches up on everything that fell due meanwhile. Notifications go out for
rows not yet marked notified; a run claims them with one UPDATE (row locks make a concurrent run
skip them), so each is sent once.

The sweep is set-based: one INSERT … SELECT per kind (driven by the partial indexes on the open
cases' deadlines and an anti-join on the unique supervision index) and one INSERT … SELECT per
kind of recipient for the notifications, whatever the number of cases. Plain SQL both SQLite
and PostgreSQL run; the ORM cannot express INSERT … SELECT, and row-by-row inserts through the
ORM were 50 times slower on a catch-up over hundreds of thousands of cases.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from gongzhi.accounts.models import AreaBinding, User
from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, notifications
from gongzhi.core.actors import SystemActor
from gongzhi.core.context import action_context
from gongzhi.core.models import Notification

from . import conf, permissions, services
from .models import OPEN_STATES, Case, CaseEvent, Level, State, Supervision, SupervisionKind

logger = logging.getLogger(__name__)

ACTOR = SystemActor(label="task:sla-sweep")
# The actor label of the case events the sweep writes (the timeline shows it).
EVENT_ACTOR_LABEL = "system"

# Depth (in the area tree) of the node of each level; its path is the case's area_path prefix.
LEVEL_DEPTH = {Level.GRID: 4, Level.COMMUNITY: 3, Level.STREET: 2, "district": 1}

KIND_RULES = {
    # kind: (deadline column, extra condition, raised to the level above?)
    SupervisionKind.HANDLING_OVERDUE: ("handling_due", "", True),
    SupervisionKind.HANDLING_WARNING: ("handling_warn_at", "AND c.handling_due > %(now)s", False),
    SupervisionKind.RESPONSE_OVERDUE: ("response_due", "AND c.responded_at IS NULL", True),
}

# The level told, from the holder's level: the rung above (督办), or the holder itself (a warning;
# nobody is bound to a building, so its grid is told).
RAISED_SQL = (
    "CASE c.level WHEN 'building' THEN 'grid' WHEN 'grid' THEN 'community' "
    "WHEN 'community' THEN 'street' ELSE 'district' END"
)
HOLDER_SQL = "CASE c.level WHEN 'building' THEN 'grid' ELSE c.level END"


def _depth_sql(column: str) -> str:
    """Length of the path prefix naming the node of the level in `column` (0: no node)."""
    step = AreaNode.steplen
    whens = " ".join(f"WHEN '{level}' THEN {depth * step}" for level, depth in LEVEL_DEPTH.items())
    return f"CASE {column} {whens} ELSE 0 END"


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # fixed enum values, never user input


def _event_sql() -> tuple[str, dict]:
    """The INSERT … SELECT writing one case event ("supervise", by "system") per supervision row of
    `kind` raised at `stamp`, its note naming the level told; and the translated notes."""
    formats = {
        SupervisionKind.HANDLING_OVERDUE: _("Supervision (督办) by the %(level)s: the handling limit has passed."),
        SupervisionKind.HANDLING_WARNING: _("Warning to the %(level)s: the handling limit is nearly reached."),
        SupervisionKind.RESPONSE_OVERDUE: _(
            "Supervision (督办) by the %(level)s: the requester was not contacted within the response limit."
        ),
    }
    labels = {**dict(Level.choices), "district": _("District")}
    params, whens = {}, []
    for kind, text in formats.items():
        for i, (level, label) in enumerate(labels.items()):
            key = f"note_{kind}_{i}"
            params[key] = text % {"level": str(label).lower()}  # "the community"; no-op in Chinese
            whens.append(f"WHEN '{kind}:{level}' THEN %({key})s")
    details = (
        "'{\"supervision\": ' || CAST(s.id AS TEXT) || ', \"kind\": \"' || s.kind || "
        "'\", \"level\": \"' || s.level || '\"}'"
    )
    if connection.vendor == "postgresql":
        details = f"CAST({details} AS jsonb)"
    sql = f"""
        INSERT INTO {CaseEvent._meta.db_table}
            (case_id, created_at, actor_id, actor_label, action, from_state, to_state, note, params, internal)
        SELECT s.case_id, %(stamp)s, NULL, %(label)s, 'supervise', '', '',
               CASE s.kind || ':' || s.level {" ".join(whens)} ELSE '' END, {details}, %(internal)s
        FROM {Supervision._meta.db_table} s
        WHERE s.created_at = %(stamp)s AND s.notified_at IS NULL AND s.kind = %(kind)s
    """  # noqa: S608
    return sql, {**params, "label": EVENT_ACTOR_LABEL, "internal": True}


def raise_supervisions(kind: str, *, now: dt.datetime) -> int:
    """Insert the missing supervision rows of `kind` for every open case past its deadline, and a
    case event for each (same statement count whatever the number); returns how many were inserted.
    The rows of this run carry its own time stamp (`created_at`), which picks them for the events."""
    field, extra, raised = KIND_RULES[kind]
    # Only table and column names and fixed enum values are formatted in; data are parameters.
    sql = f"""
        INSERT INTO {Supervision._meta.db_table} (case_id, kind, level, node_id, department_id, due, created_at)
        SELECT t.id, %(kind)s, t.target, n.id,
               CASE WHEN t.target = 'department' THEN t.department_id END, t.due, %(stamp)s
        FROM (
            SELECT c.id, c.department_id, c.area_path, c.{field} AS due,
                   {RAISED_SQL if raised else HOLDER_SQL} AS target
            FROM {Case._meta.db_table} c
            WHERE c.state IN ({_in(OPEN_STATES)}) AND c.{field} <= %(now)s {extra}
        ) t
        LEFT JOIN {AreaNode._meta.db_table} n ON n.path = substr(t.area_path, 1, {_depth_sql("t.target")})
        WHERE NOT EXISTS (
            SELECT 1 FROM {Supervision._meta.db_table} s
            WHERE s.case_id = t.id AND s.kind = %(kind)s AND s.level = t.target
        )
        ON CONFLICT DO NOTHING
    """  # noqa: S608
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    events, notes = _event_sql()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"kind": str(kind), "now": connection.ops.adapt_datetimefield_value(now),
                             "stamp": stamp})
        raised_count = max(cursor.rowcount, 0)
        if raised_count:
            cursor.execute(events, {**notes, "kind": str(kind), "stamp": stamp})
        return raised_count


def _titles() -> dict[str, tuple[str, str]]:
    """Per kind, the translated title around the case title (prefix, suffix)."""
    formats = {
        SupervisionKind.HANDLING_OVERDUE: _("Supervision: case overdue — %(title)s"),
        SupervisionKind.HANDLING_WARNING: _("Warning: case nearly due — %(title)s"),
        SupervisionKind.RESPONSE_OVERDUE: _("Supervision: requester not contacted in time — %(title)s"),
    }
    return {kind: tuple(text.split("%(title)s", 1)) for kind, text in formats.items()}  # type: ignore[misc]


def notify_pending(*, now: dt.datetime | None = None) -> int:
    """Claim the supervision rows not yet notified and write one notification per person to tell
    (staff bound to the supervising node in the matching role, or the department's staff), in a
    few statements; delivery through the adapters is queued after commit. Returns how many."""
    claim = now or timezone.now()
    titles = _titles()
    prefix = "CASE s.kind " + " ".join(f"WHEN '{k}' THEN %(p_{k})s" for k in titles) + " END"
    suffix = "CASE s.kind " + " ".join(f"WHEN '{k}' THEN %(s_{k})s" for k in titles) + " END"
    params = {"claim": connection.ops.adapt_datetimefield_value(claim),
              "ct": ContentType.objects.get_for_model(Case).pk}
    for kind, (before, after) in titles.items():
        params[f"p_{kind}"], params[f"s_{kind}"] = before, after
    # Who is told at each supervising level, and in a department (the roles are the gate's).
    role = "CASE s.level " + " ".join(
        f"WHEN '{lvl}' THEN %(role_{lvl})s" for lvl in permissions.SUPERVISING_ROLES) + " END"
    for lvl, r in permissions.SUPERVISING_ROLES.items():
        params[f"role_{lvl}"] = str(r)
    params["department_role"] = str(permissions.DEPARTMENT_ROLES[0])
    n, c, u, b = (Notification._meta.db_table, Case._meta.db_table, User._meta.db_table,
                  AreaBinding._meta.db_table)
    insert = f"""
        INSERT INTO {n} (recipient_id, kind, title, body, url, content_type_id, object_id, created_at)
        SELECT u.id, 'cases.' || s.kind, substr({prefix} || c.title || {suffix}, 1, 200), '',
               '/cases/' || CAST(c.id AS TEXT) || '/', %(ct)s, CAST(c.id AS TEXT), %(claim)s
        FROM {Supervision._meta.db_table} s
        JOIN {c} c ON c.id = s.case_id
    """  # noqa: S608
    by_area = insert + f"""
        JOIN {b} b ON b.node_id = s.node_id
        JOIN {u} u ON u.id = b.user_id AND u.is_active AND u.role = {role}
        WHERE s.notified_at = %(claim)s
    """  # noqa: S608
    by_department = insert + f"""
        JOIN {u} u ON u.department_id = s.department_id AND u.is_active AND u.role = %(department_role)s
        WHERE s.notified_at = %(claim)s AND s.department_id IS NOT NULL
    """  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        # The claim: concurrent runs block on these rows and then find them notified.
        cursor.execute(
            f"UPDATE {Supervision._meta.db_table} SET notified_at = %(claim)s WHERE notified_at IS NULL",  # noqa: S608
            {"claim": params["claim"]},
        )
        if cursor.rowcount == 0:
            return 0
        cursor.execute(by_area, params)
        sent = max(cursor.rowcount, 0)
        cursor.execute(by_department, params)
        sent += max(cursor.rowcount, 0)
        stamp = claim.isoformat()
        transaction.on_commit(lambda: notifications.deliver_created.enqueue(stamp))
    return sent


def auto_close_unrated(*, now: dt.datetime, batch: int | None = None) -> int:
    """Close the cases left unrated for CASES_AUTO_CLOSE_DAYS (one service call each: an event per case)."""
    batch = batch or conf.get("CASES_SWEEP_BATCH")
    cutoff = now - dt.timedelta(days=conf.get("CASES_AUTO_CLOSE_DAYS"))
    closed = 0
    last = 0
    while True:
        ids = list(
            Case.objects.filter(state=State.AWAITING_RATING, resolved_at__lte=cutoff, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return closed
        for pk in ids:
            if services.case_auto_close(actor=ACTOR, case=pk, now=now):
                closed += 1
        last = ids[-1]


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One run of the SLA sweep: warnings, supervision, notifications, auto-close."""
    now = now or timezone.now()
    counts = {str(kind): raise_supervisions(kind, now=now) for kind in KIND_RULES}
    counts["notifications"] = notify_pending()
    counts["auto_closed"] = auto_close_unrated(now=now)
    if any(counts.values()):
        # One audit event per run that changed something (a run finding nothing writes none: the
        # log is append-only and the sweep runs every few minutes; the task queue records each run).
        audit.record(actor=ACTOR, action="cases.sla.sweep", after=counts, note=f"deadlines as of {now.isoformat()}")
    logger.info("sla sweep: %s", counts)
    return counts


@task(queue_name="sla")
def sla_sweep() -> dict[str, int]:
    """The periodic entry point (schedule it every few minutes; `gongzhi cases sla-sweep` runs it by hand)."""
    with action_context(source="task:sla-sweep"):
        return sweep()

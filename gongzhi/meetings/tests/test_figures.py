"""Meeting figures (held vs due, missed periods, attendance, matters, decisions) against numbers
worked out by hand, on the page, in the API and in the .xlsx export, scoped to the user's area."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.meetings import figures as F
from gongzhi.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Cadence,
    Decision,
    DecisionState,
    Meeting,
    MeetingKind,
    MeetingState,
    QuorumRule,
)
from gongzhi.meetings.services.meetings import refresh_counts
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # a past year: every period of it is due
TZ = timezone.get_current_timezone()


def at(month: int, day: int, hour: int = 15, year: int = YEAR) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=TZ)


def held(body, when, *, period=None, present=0, agenda=2, kind=MeetingKind.REGULAR, fixed=0) -> Meeting:
    """A meeting of `body` held at `when`: `present` of its invited members signed in, `agenda`
    matters and `fixed` fixed contents on its agenda."""
    items = [{"title": f"议题{i + 1}"} for i in range(agenda)] + [
        {"title": f"规定动作{i + 1}", "is_fixed_content": True} for i in range(fixed)]
    m = factories.meeting(body, starts_at=when, kind=kind, period=period, agenda=items)
    ids = list(Attendance.objects.filter(meeting=m).order_by("pk").values_list("pk", flat=True)[:present])
    Attendance.objects.filter(pk__in=ids).update(status=AttendanceStatus.PRESENT)
    Meeting.objects.filter(pk=m.pk).update(state=MeetingState.HELD)
    m.refresh_from_db()
    return refresh_counts(m)


def decide(meeting, *, deadline, state=DecisionState.OPEN, done_at=None, number=1) -> Decision:
    # Recorded through the service (which refuses a deadline already past), then dated back: a year's history.
    d = factories.decision(meeting, number=number)
    Decision.objects.filter(pk=d.pk).update(state=state, done_at=done_at, deadline=deadline)
    return d


@pytest.fixture
def w():
    """瓜州路社区 (community) with its 大党委 meeting every two months and the grid A party branch;
    西站街道大工委 quarterly at the street; a residents' council monthly in 建西东路社区.

    大党委, 5 voting members, in YEAR: Jan–Feb, Mar–Apr, May–Jun held for their periods, Jul–Aug held
    as planned by hand (no period), Sep–Oct cancelled, Nov–Dec nothing; an extraordinary meeting
    held in June. Present 5, 4, 3, 5 and 3 of 5 → 20/25. Two matters each → 10.
    Decisions of the first meeting: done on time, done late, open past the deadline, withdrawn;
    of the second: open with the deadline ahead.
    Branch: one theme day held in March (one X, one fixed content) of 44 periods due.
    A coordination meeting on a case (no body) in the community in May: 2 of 3 present, one
    matter, one decision done on time.
    Residents' council of the other community: one meeting held in January of 12 due."""
    nodes = tree()
    community, street = nodes["community"], nodes["street"]
    other = child(street, name="建西东路社区")
    council = factories.body_with_members(community, kind=BodyKind.ALLIANCE, name="瓜州路社区大党委",
                                          cadence=Cadence.BIMONTHLY, members=3)
    branch = factories.body(nodes["grid_a"], kind=BodyKind.PARTY_BRANCH, name="第A网格党支部")
    street_body = factories.body(street, kind=BodyKind.ALLIANCE, name="西站街道大工委", cadence=Cadence.QUARTERLY)
    other_body = factories.body_with_members(other, name="建西东路社区居民议事会", cadence=Cadence.MONTHLY, members=1)
    Body.objects.update(created_at=at(12, 1, year=YEAR - 1))

    m1 = held(council, at(2, 10), period=(dt.date(YEAR, 1, 1), dt.date(YEAR, 2, 28 + (YEAR % 4 == 0))), present=5)
    m2 = held(council, at(4, 8), period=(dt.date(YEAR, 3, 1), dt.date(YEAR, 4, 30)), present=4)
    held(council, at(6, 12), period=(dt.date(YEAR, 5, 1), dt.date(YEAR, 6, 30)), present=3)
    held(council, at(7, 20), present=5)
    held(council, at(6, 25), kind=MeetingKind.EXTRAORDINARY, present=3)
    cancelled = factories.meeting(council, starts_at=at(10, 15), period=(dt.date(YEAR, 9, 1), dt.date(YEAR, 10, 31)),
                                  agenda=[{"title": "未开成的议题"}])
    Meeting.objects.filter(pk=cancelled.pk).update(state=MeetingState.CANCELLED, state_reason="书记外出学习")

    done_on_time = timezone.make_aware(dt.datetime(YEAR, 3, 1, 18, 0))
    decide(m1, deadline=dt.date(YEAR, 3, 1), state=DecisionState.DONE, done_at=done_on_time, number=1)
    decide(m1, deadline=dt.date(YEAR, 3, 1), state=DecisionState.DONE, done_at=at(3, 4), number=2)
    decide(m1, deadline=dt.date(YEAR, 3, 31), number=3)
    decide(m1, deadline=dt.date(YEAR, 3, 31), state=DecisionState.CANCELLED, number=4)
    decide(m2, deadline=timezone.localdate() + dt.timedelta(days=30), number=1)

    held(branch, at(3, 28), kind=MeetingKind.THEME_DAY, period=(dt.date(YEAR, 3, 1), dt.date(YEAR, 3, 31)),
         agenda=1, fixed=1)

    coordination = Meeting.objects.create(
        area=community, kind=MeetingKind.COORDINATION, title="铁建丽苑供暖协调会", starts_at=at(5, 6),
        state=MeetingState.HELD, quorum_rule=QuorumRule.NONE, expected_count=3, present_count=2,
    )
    AgendaItem.objects.create(meeting=coordination, title="3号楼入冬未通暖")
    decide(coordination, deadline=dt.date(YEAR, 5, 20), state=DecisionState.DONE, done_at=at(5, 18))

    held(other_body, at(1, 20), period=(dt.date(YEAR, 1, 1), dt.date(YEAR, 1, 31)), present=2)

    staff = user(Role.COMMUNITY_STAFF, nodes=[community])
    return {**nodes, "other": other, "council": council, "branch": branch, "street_body": street_body,
            "other_body": other_body, "staff": staff,
            "other_staff": user(Role.COMMUNITY_STAFF, nodes=[other]),
            "admin": user(Role.DISTRICT_ADMIN, nodes=[nodes["district"]]),
            "grid_worker": user(Role.GRID_WORKER, nodes=[nodes["grid_a"]])}


def year_figures(w, who, node, **extra):
    start, end = F.year_span(YEAR)
    return F.figures(user=w[who], node=w[node], start=start, end=end, **extra)


def test_the_community_year_adds_up_by_hand(w):
    # when the community's staff read the community's figures for the past year
    result = year_figures(w, "staff", "community")
    # then the 大党委 held 5 of 6 due (4 periods kept, 2 missed), 20 of 25 present, 10 matters, and 4
    # decisions (1 on time, 1 late, 1 overdue, 1 still in progress; the withdrawn one not counted)
    council = next(b for b in result.bodies if b.id == w["council"].pk).counts
    assert (council.held, council.due, council.covered, council.missed) == (5, 6, 4, 2)
    assert (council.present, council.expected, council.attendance_rate) == (20, 25, Decimal("0.8"))
    assert council.matters == 10
    assert (council.decisions, council.done_on_time, council.done_late, council.overdue, council.open) == (4, 1, 1, 1, 1)
    # and the branch owes the 三会一课 and the theme day: 12 + 12 + 12 + 4 + 4 periods, kept one;
    # the theme day's fixed content is not a matter studied
    branch = next(b for b in result.bodies if b.id == w["branch"].pk).counts
    assert (branch.held, branch.due, branch.missed, branch.matters) == (1, 44, 43, 1)
    # and the coordination meeting on a case counts at the community level as its own row
    loose = next(b for b in result.bodies if b.id is None).counts
    assert (loose.held, loose.due, loose.matters, loose.decisions, loose.done_on_time) == (1, 0, 1, 1, 1)
    # and the totals are their sums
    t = result.total
    assert (t.bodies, t.held, t.due, t.missed, t.present, t.expected) == (2, 7, 50, 45, 22, 28)
    assert (t.matters, t.decisions, t.done_on_time, t.done_late, t.overdue) == (12, 5, 2, 1, 1)
    # and one table per level: the community's bodies (大党委, the coordination row), then the grid's
    assert [(t.level, [k.kind for k in t.kinds]) for t in result.levels] == [
        ("community", [BodyKind.ALLIANCE, F.NO_BODY]), ("grid", [BodyKind.PARTY_BRANCH])]


def test_the_district_sums_its_streets_and_drills_down(w):
    result = year_figures(w, "admin", "district")
    t = result.total
    # 大工委 owes 4 and held none; the other community's council kept 1 of 12
    assert (t.bodies, t.held, t.due, t.covered, t.missed) == (4, 8, 66, 6, 60)
    assert [lv.level for lv in result.levels] == ["street", "community", "grid"]
    street_level = result.levels[0].total
    assert (street_level.due, street_level.held, street_level.missed) == (4, 0, 4)
    # the district's one child is the street, holding everything
    [(street, counts)] = result.children
    assert street == w["street"] and counts.due == 66
    # the street drills down into its two communities
    street_result = year_figures(w, "admin", "street")
    assert [(c.name, n.due, n.held) for c, n in street_result.children] == [("瓜州路社区", 50, 7), ("建西东路社区", 12, 1)]


def test_this_year_owes_only_the_periods_already_ended(w):
    # given the year running, on 10 May
    start, end = F.year_span(YEAR)
    result = F.figures(user=w["staff"], node=w["community"], start=start, end=end, today=dt.date(YEAR, 5, 10))
    council = next(b for b in result.bodies if b.id == w["council"].pk).counts
    branch = next(b for b in result.bodies if b.id == w["branch"].pk).counts
    # then Jan–Feb and Mar–Apr are due (both kept); the branch owes Jan–Apr monthly ×3 and Q1 ×2
    assert (council.due, council.covered, council.missed) == (2, 2, 0)
    assert branch.due == 14


def test_a_body_set_up_mid_year_owes_only_the_periods_after(w):
    late = factories.body(w["community"], name="瓜州路社区企业联席会", kind=BodyKind.UNITS_JOINT, cadence=Cadence.MONTHLY)
    Body.objects.filter(pk=late.pk).update(created_at=at(7, 15))
    inactive = factories.body(w["community"], name="已撤销的议事会", cadence=Cadence.MONTHLY)
    Body.objects.filter(pk=inactive.pk).update(created_at=at(1, 1, year=YEAR - 2), is_active=False)
    result = year_figures(w, "staff", "community")
    rows = {b.id: b.counts for b in result.bodies}
    assert rows[late.pk].due == 5  # August to December
    assert rows[inactive.pk].due == 0


def test_the_queries_do_not_grow_with_the_bodies(w):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            year_figures(w, "admin", "district")
        return len(queries)

    count()  # warm the caches (the gate, content types)
    before = count()
    for i in range(5):
        body = factories.body_with_members(w["other"], name=f"第{i + 1}居民小组议事会", cadence=Cadence.MONTHLY, members=1)
        Body.objects.filter(pk=body.pk).update(created_at=at(1, 1, year=YEAR - 1))
        decide(held(body, at(3, 3), present=2), deadline=dt.date(YEAR, 4, 1))
    assert count() == before <= 10


def test_scope_the_other_community_and_the_gate(w):
    start, end = F.year_span(YEAR)
    with pytest.raises(NotFound):
        F.figures(user=w["other_staff"], node=w["community"], start=start, end=end)
    with pytest.raises(NotFound):  # a community's staff cannot read the street above either
        F.figures(user=w["staff"], node=w["street"], start=start, end=end)


def test_bad_years_are_refused_on_the_field():
    for bad in ("abc", 1999, timezone.localdate().year + 2, None):
        with pytest.raises(InvalidInput) as exc:
            F.year_span(bad)
        assert "year" in exc.value.fields


def test_the_provider_sums_the_users_scope(w):
    start, end = F.year_span(YEAR)
    rows = {r["key"]: r["value"] for r in F.summary(user=w["staff"], start=start, end=end)}
    assert rows["held"] == 7 and rows["due"] == 50 and rows["missed"] == 45 and rows["decisions"] == 5
    assert rows["attendance_rate"] == Decimal("0.7857")
    assert F.summary(user=w["grid_worker"], start=start, end=end) == []


# --- the API ---------------------------------------------------------------------------------


def test_api_answers_the_figures_in_scope_and_404_outside(client, w):
    client.force_login(w["staff"])
    response = client.get(f"/api/meetings/figures?node_id={w['community'].pk}&year={YEAR}")
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == YEAR and data["total"]["held"] == 7 and data["total"]["due"] == 50
    assert data["total"]["attendance_rate"] == pytest.approx(22 / 28, abs=1e-4)
    council = next(b for b in data["bodies"] if b["id"] == w["council"].pk)
    assert council["missed"] == 2 and council["overdue"] == 1
    # the other community's node: as absent
    outside = client.get(f"/api/meetings/figures?node_id={w['other'].pk}&year={YEAR}")
    absent = client.get(f"/api/meetings/figures?node_id=999999&year={YEAR}")
    assert outside.status_code == absent.status_code == 404
    assert outside.json()["code"] == absent.json()["code"]


def test_api_refuses_a_bad_year_naming_the_field(client, w):
    client.force_login(w["staff"])
    response = client.get(f"/api/meetings/figures?node_id={w['community'].pk}&year=1850")
    assert response.status_code == 400
    assert "year" in response.json()["fields"]


def test_api_refuses_roles_without_figures(client, w):
    client.force_login(w["grid_worker"])
    response = client.get(f"/api/meetings/figures?node_id={w['grid_a'].pk}&year={YEAR}")
    assert response.status_code == 403


# --- the page and the export -----------------------------------------------------------------


def test_page_shows_the_tables_and_drills_down_to_bodies(client, w):
    client.force_login(w["staff"])
    response = client.get(f"/meetings/figures/?node_id={w['community'].pk}&year={YEAR}&level=community&kind=alliance")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="held-due">7 / 50<' in html and 'id="missed">45<' in html
    assert 'id="level-community"' in html and 'id="level-grid"' in html
    assert "瓜州路社区大党委" in html and 'id="bodies"' in html
    assert "第A网格党支部" not in html.split('id="bodies"')[1]  # the drill-down lists the chosen kind only


def test_page_keeps_a_bad_year_beside_its_field(client, w):
    client.force_login(w["staff"])
    response = client.get(f"/meetings/figures/?node_id={w['community'].pk}&year=二〇二五")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="year-error"' in html and 'value="二〇二五"' in html


def test_page_and_export_are_404_outside_scope_and_403_without_the_role(client, w):
    client.force_login(w["other_staff"])
    assert client.get(f"/meetings/figures/?node_id={w['community'].pk}&year={YEAR}").status_code == 404
    assert client.get(f"/meetings/figures/export/?node_id={w['community'].pk}&year={YEAR}").status_code == 404
    assert not AuditEvent.objects.filter(action="meetings.figures.export").exists()
    client.force_login(w["grid_worker"])
    assert client.get(f"/meetings/figures/?node_id={w['grid_a'].pk}").status_code == 403


def test_export_is_a_real_workbook_and_is_audited(client, w):
    client.force_login(w["staff"])
    response = client.get(f"/meetings/figures/export/?node_id={w['community'].pk}&year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    levels, bodies = book.worksheets
    assert "瓜州路社区" in levels["A1"].value and str(YEAR) in levels["A1"].value
    # the platform's layout: title, scope and period, then the bold header row 3, frozen under it
    assert levels["A3"].font.bold and levels.freeze_panes == "A4"
    keys = [key for key, _label, _rate in F.COLUMNS]
    rate_col = 2 + keys.index("held_rate") + 1  # after the level and the kind of body
    assert [c.value for c in levels[3]][2:] == [str(label) for _key, label, _rate in F.COLUMNS]
    level_total = next(r for r in levels.iter_rows(min_row=4) if r[0].value == str(F.LEVEL_LABELS["community"])
                       and r[1].value == str(_("Total")))
    assert level_total[0].font.bold
    assert levels.cell(row=level_total[0].row, column=rate_col).number_format == "0.0%"
    assert levels.cell(row=level_total[0].row, column=rate_col).value == pytest.approx(4 / 6, abs=1e-4)
    names = [r[2].value for r in bodies.iter_rows(min_row=4)]
    assert "瓜州路社区大党委" in names and "第A网格党支部" in names
    event = AuditEvent.objects.get(action="meetings.figures.export")
    assert event.actor == w["staff"] and event.after["year"] == YEAR


def test_done_on_time_is_counted_by_the_local_day(w):
    # given two decisions of one meeting with the same deadline: done at 23:30 on the deadline (local
    # time, 15:30 UTC) and done at 00:30 the day after (16:30 UTC of the deadline)
    body = factories.body_with_members(w["other"], name="建西东路社区两委", cadence=Cadence.MONTHLY, members=1)
    Body.objects.filter(pk=body.pk).update(created_at=at(1, 1, year=YEAR - 1))
    meeting = held(body, at(9, 1), present=2)
    deadline = dt.date(YEAR, 9, 10)
    decide(meeting, deadline=deadline, state=DecisionState.DONE, done_at=at(9, 10, hour=23) + dt.timedelta(minutes=30))
    decide(meeting, deadline=deadline, state=DecisionState.DONE, done_at=at(9, 11, hour=0) + dt.timedelta(minutes=30),
           number=2)
    # then one counts as done on time and the other as late
    row = next(b for b in year_figures(w, "admin", "other").bodies if b.id == body.pk).counts
    assert (row.done_on_time, row.done_late) == (1, 1)


def test_export_survives_a_name_with_a_control_character(client, w):
    Body.objects.filter(pk=w["council"].pk).update(name="瓜州路社区\x07大党委")
    client.force_login(w["staff"])
    response = client.get(f"/meetings/figures/export/?node_id={w['community'].pk}&year={YEAR}")
    assert response.status_code == 200
    names = [r[2].value for r in load_workbook(io.BytesIO(response.content)).worksheets[1].iter_rows(min_row=4)]
    assert "瓜州路社区大党委" in names

"""Party life: the district sets the theme party day's fixed contents (the "4"), each branch's theme
day shows them and its own items (the "X"), the 三会一课 cadence shows per branch, and attendance
rates are computed per branch and per member from the attendance rows of held meetings."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.meetings import selectors
from gongzhi.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    ThemeDayContent,
)
from gongzhi.meetings.services import bodies, schedule
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

FOUR = ["学习习近平新时代中国特色社会主义思想", "重温入党誓词", "按时交纳党费", "开展为民服务志愿活动"]


@pytest.fixture
def world():
    nodes, other = tree(), tree()
    admin = user(Role.DISTRICT_ADMIN, nodes=[nodes["district"]])
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    secretary = user(Role.PARTY_MEMBER, display_name="李秀兰")
    branch = factories.body(nodes["grid_a"], kind=BodyKind.PARTY_BRANCH, name="第一网格党支部")
    factories.member(branch, capacity=MemberRole.SECRETARY, user=secretary)
    for name in ("王建华", "张桂英", "刘德明"):
        factories.member(branch, name=name)
    factories.member(branch, capacity=MemberRole.OBSERVER, name="陈列席")
    return {"nodes": nodes, "other": other, "admin": admin, "staff": staff, "secretary": secretary, "branch": branch}


def _hold(meeting: Meeting, statuses: dict[str, str], day: dt.datetime) -> None:
    """Given: the meeting was held on `day` with these attendances (name → status)."""
    for name, status in statuses.items():
        Attendance.objects.filter(meeting=meeting, name=name).update(status=status)
    Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.HELD, starts_at=day)


# --- the district's fixed contents ---------------------------------------------------------------------


def test_the_district_admin_sets_the_four_fixed_contents_on_the_page(client, world):
    district = world["nodes"]["district"]
    client.force_login(world["admin"])
    url = f"/meetings/theme-day/{district.pk}/"
    assert client.get(url).status_code == 200
    data = {f"title_{i}": title for i, title in enumerate(FOUR, start=1)}
    data.update({f"active_{i}": "on" for i in range(1, 5)})
    assert client.post(url, data).status_code == 302
    assert list(ThemeDayContent.objects.filter(district=district).values_list("title", flat=True)) == FOUR
    assert AuditEvent.objects.filter(action="meetings.theme_day_content.save").count() == 4
    # a title that is too long is refused beside its field, nothing else changes
    long = dict(data, title_2="重" * 101)
    response = client.post(url, long)
    assert response.status_code == 400 and "title_2" in response.context["form"].errors
    assert ThemeDayContent.objects.get(district=district, position=2).title == "重温入党誓词"
    # the page of the list links to it for the district admin
    assert url in client.get("/meetings/bodies/").content.decode()


def test_only_the_district_sets_the_fixed_contents(client, world):
    district = world["nodes"]["district"]
    client.force_login(world["staff"])
    assert client.get(f"/meetings/theme-day/{district.pk}/").status_code == 403
    assert client.put(f"/api/meetings/theme-day-contents/{district.pk}", {"position": 1, "title": "x"},
                      content_type="application/json").status_code == 403
    client.force_login(user(Role.DISTRICT_ADMIN, nodes=[world["other"]["district"]]))
    assert client.get(f"/meetings/theme-day/{district.pk}/").status_code == 404
    assert client.put(f"/api/meetings/theme-day-contents/{district.pk}", {"position": 1, "title": "x"},
                      content_type="application/json").status_code == 404
    assert not ThemeDayContent.objects.exists()


def test_the_api_reads_and_sets_the_fixed_contents(client, world):
    district = world["nodes"]["district"]
    client.force_login(world["admin"])
    for position, title in enumerate(FOUR, start=1):
        response = client.put(f"/api/meetings/theme-day-contents/{district.pk}", {"position": position, "title": title},
                              content_type="application/json")
        assert response.status_code == 200
    listed = client.get(f"/api/meetings/theme-day-contents/{district.pk}").json()
    assert [c["title"] for c in listed] == FOUR


# --- a branch's theme day and 三会一课 ------------------------------------------------------------------


def test_a_branchs_theme_day_shows_the_four_and_its_own_x(client, world, settings):
    settings.MEETINGS_PLAN_PERIODS_AHEAD = 0
    for position, title in enumerate(FOUR, start=1):
        bodies.theme_day_content_save(actor=factories.ACTOR, district=world["nodes"]["district"], position=position,
                                      title=title)
    branch = world["branch"]
    schedule.plan_periods(actor=factories.ACTOR, today=timezone.localdate())
    theme_day = Meeting.objects.get(body=branch, kind=MeetingKind.THEME_DAY)
    # the branch's secretary adds its own item on the body page
    client.force_login(world["secretary"])
    refused = client.post(f"/meetings/theme-days/{theme_day.pk}/items/", {"title": ""})
    assert refused.status_code == 400 and "title" in refused.context["theme_form"].errors
    assert client.post(f"/meetings/theme-days/{theme_day.pk}/items/",
                       {"title": "走访慰问网格内困难党员"}).status_code == 302
    page = client.get(f"/meetings/bodies/{branch.pk}/").content.decode()
    section = page.split('id="theme-day"')[1].split("</section>")[0]
    for title in [*FOUR, "走访慰问网格内困难党员"]:
        assert title in section
    assert section.count("规定内容</span>") == 4 and section.count("支部自选</span>") == 1
    # 三会一课 and the theme day, each with its cadence
    cadences = page.split('id="cadences"')[1].split("</section>")[0]
    for label in ("支部党员大会", "支委会", "党小组会", "党课", "主题党日", "每季度", "每月"):
        assert label in cadences
    # the API shows the same
    client.force_login(world["staff"])
    life = client.get(f"/api/meetings/bodies/{branch.pk}/party-life").json()
    assert life["fixed_contents"] == FOUR
    assert [a["title"] for a in life["theme_days"][0]["agenda"]] == [*FOUR, "走访慰问网格内困难党员"]
    assert {c["kind"]: c["cadence"] for c in life["cadences"]} == {
        "branch_assembly": "quarterly", "branch_committee": "monthly", "group_meeting": "monthly",
        "party_lecture": "quarterly", "theme_day": "monthly"}
    added = client.post(f"/api/meetings/theme-days/{theme_day.pk}/items", {"title": "清理楼道小广告"},
                        content_type="application/json")
    assert added.status_code == 201 and added.json()["position"] == 6 and not added.json()["is_fixed_content"]


def test_only_a_theme_day_takes_an_x_and_not_across_the_boundary(client, world):
    regular = factories.meeting(factories.body(world["nodes"]["community"]))
    client.force_login(world["staff"])
    response = client.post(f"/api/meetings/theme-days/{regular.pk}/items", {"title": "自选"},
                           content_type="application/json")
    assert response.status_code == 400 and "title" in response.json()["fields"]
    far = factories.body(world["other"]["grid_a"], kind=BodyKind.PARTY_BRANCH)
    far_day = factories.meeting(far, kind=MeetingKind.THEME_DAY)
    assert client.post(f"/api/meetings/theme-days/{far_day.pk}/items", {"title": "越界"},
                       content_type="application/json").status_code == 404
    assert client.post(f"/meetings/theme-days/{far_day.pk}/items/", {"title": "越界"}).status_code == 404
    assert not AgendaItem.objects.filter(title__in=["自选", "越界"]).exists()


def test_the_three_meetings_and_a_lecture_count_held_against_due(world):
    branch = world["branch"]
    # given a branch set up at the start of 2026 (and a second one set up in May)
    Body.objects.filter(pk=branch.pk).update(created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 10)))
    branch.refresh_from_db()
    today = dt.date(2026, 5, 20)
    schedule.plan_periods(actor=factories.ACTOR, today=dt.date(2026, 4, 2))
    april = Meeting.objects.get(body=branch, kind=MeetingKind.BRANCH_COMMITTEE, period_start=dt.date(2026, 4, 1))
    Meeting.objects.filter(pk=april.pk).update(state=MeetingState.HELD)
    rows = {r["kind"]: r for r in selectors.party_life(user=world["staff"], body=branch, today=today)}
    # five months of 2026 have begun by 20 May: one committee meeting held of five due; two quarters begun
    assert (rows["branch_committee"]["held"], rows["branch_committee"]["due"]) == (1, 5)
    assert (rows["branch_assembly"]["held"], rows["branch_assembly"]["due"]) == (0, 2)
    # a branch set up on 12 May owes only from May on
    newer = factories.body(world["nodes"]["grid_b"], kind=BodyKind.PARTY_BRANCH, name="第二网格党支部")
    Body.objects.filter(pk=newer.pk).update(created_at=timezone.make_aware(dt.datetime(2026, 5, 12, 10)))
    newer.refresh_from_db()
    rows = {r["kind"]: r for r in selectors.party_life(user=world["staff"], body=newer, today=today)}
    assert rows["branch_committee"]["due"] == 1 and rows["branch_assembly"]["due"] == 1
    # the planner gives each of a branch's meetings its own working day
    days = {m.kind: timezone.localtime(m.starts_at).date()
            for m in Meeting.objects.filter(body=branch, period_start__in=[dt.date(2026, 4, 1)])}
    assert days[MeetingKind.BRANCH_COMMITTEE] < days[MeetingKind.GROUP_MEETING] < days[MeetingKind.THEME_DAY]


# --- attendance rates ----------------------------------------------------------------------------------


def test_attendance_rates_per_member_and_per_branch(client, world):
    branch = world["branch"]
    year = timezone.localdate().year
    first = factories.meeting(branch, kind=MeetingKind.BRANCH_ASSEMBLY)
    second = factories.meeting(branch, kind=MeetingKind.THEME_DAY)
    planned = factories.meeting(branch, kind=MeetingKind.PARTY_LECTURE)  # not held: not counted
    last_year = factories.meeting(branch, kind=MeetingKind.BRANCH_COMMITTEE)
    p, e, a = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT
    _hold(first, {"李秀兰": p, "王建华": p, "张桂英": e, "刘德明": a, "陈列席": p},
          timezone.make_aware(dt.datetime(year, 1, 10, 9, 30)))
    _hold(second, {"李秀兰": p, "王建华": e, "张桂英": p, "刘德明": a, "陈列席": a},
          timezone.make_aware(dt.datetime(year, 1, 24, 9, 30)))
    _hold(last_year, {"李秀兰": a, "王建华": a, "张桂英": a, "刘德明": a},
          timezone.make_aware(dt.datetime(year - 1, 12, 5, 9, 30)))
    Attendance.objects.filter(meeting=planned).update(status=p)

    rates = selectors.member_attendance_rates(user=world["staff"], body=branch, year=year)
    # four counted members (the observer is not expected) at two held meetings: 8 expected
    assert (rates["held"], rates["expected"], rates["present"], rates["excused"], rates["absent"]) == (2, 8, 4, 2, 2)
    assert rates["rate"] == 0.5
    by_name = {m["name"]: m for m in rates["members"]}
    assert (by_name["李秀兰"]["present"], by_name["李秀兰"]["expected"], by_name["李秀兰"]["rate"]) == (2, 2, 1.0)
    assert (by_name["王建华"]["present"], by_name["王建华"]["excused"], by_name["王建华"]["rate"]) == (1, 1, 0.5)
    assert (by_name["刘德明"]["absent"], by_name["刘德明"]["rate"]) == (2, 0.0)
    assert "陈列席" not in by_name  # an observer (列席) is not expected to attend

    # the body page shows it, and the API gives the same numbers
    client.force_login(world["staff"])
    page = client.get(f"/meetings/bodies/{branch.pk}/?year={year}").content.decode()
    section = page.split('id="attendance"')[1]
    assert "50%" in section and "刘德明" in section
    api = client.get(f"/api/meetings/bodies/{branch.pk}/attendance?year={year}").json()
    assert api["rate"] == 0.5 and api["excused"] == 2
    branches = client.get(f"/api/meetings/attendance-rates?year={year}").json()["items"]
    assert [(b["name"], b["held"], b["rate"]) for b in branches] == [("第一网格党支部", 2, 0.5)]
    listing = client.get("/meetings/bodies/").content.decode().split('id="branch-attendance"')[1]
    assert "第一网格党支部" in listing and "50%" in listing
    previous = client.get(f"/api/meetings/bodies/{branch.pk}/attendance?year={year - 1}").json()
    assert (previous["held"], previous["rate"]) == (1, 0.0)
    assert client.get("/api/meetings/attendance-rates?year=1900").status_code == 400


def test_attendance_rates_stay_in_scope(client, world):
    far = factories.body_with_members(world["other"]["grid_a"], kind=BodyKind.PARTY_BRANCH, name="外区党支部")
    client.force_login(world["staff"])
    assert client.get(f"/api/meetings/bodies/{far.pk}/attendance").status_code == 404
    names = [b["name"] for b in client.get("/api/meetings/attendance-rates").json()["items"]]
    assert names == ["第一网格党支部"]

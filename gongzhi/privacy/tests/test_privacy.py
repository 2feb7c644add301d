"""Privacy (PIPL): retention and a person's data exported on request."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.accounts.tests.factories import user
from gongzhi.cases.models import Case
from gongzhi.cases.tests import factories as cf
from gongzhi.core.actors import SystemActor
from gongzhi.core.models import AuditEvent
from gongzhi.privacy import services
from gongzhi.residents import services as resident_services
from gongzhi.residents.models import Person, PersonStatus, Visit
from gongzhi.residents.retention import ANONYMISED_NAME, CLEARED_FINDINGS
from gongzhi.residents.tests.factories import id_number, person

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")
NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=6 * 365)
LATELY = NOW - datetime.timedelta(days=30)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _left(p: Person, when: datetime.datetime, status=PersonStatus.MOVED_OUT) -> Person:
    p.status = status
    p.moved_out_on = when.date() if status == PersonStatus.MOVED_OUT else None
    p.died_on = when.date() if status == PersonStatus.DECEASED else None
    p.save(update_fields=["status", "moved_out_on", "died_on"])
    return p


def _closed(w, when, **caller) -> Case:
    case = cf.submit(w)
    for name, value in caller.items():
        setattr(case, name, value)
    case.state = "closed"
    case.closed_at = when
    case.save()
    return case


def _visit(household, who, when, met=()) -> Visit:
    visit = resident_services.visit_create(actor=who, household=household, findings="老人独居，电话13912345678")
    Visit.objects.filter(pk=visit.pk).update(visited_at=when)
    visit.people_met.set(met)
    return visit


def _stats():
    by_matter = sorted(Case.objects.values_list("category__code", "location_id", "state", "created_at"))
    people = sorted(Person.objects.values_list("household_id", "status", "gender", "moved_out_on", "died_on"))
    visits = sorted(Visit.objects.values_list("household_id", "visited_at", "visitor_id"))
    return by_matter, people, visits


@pytest.fixture
def w():
    return cf.world()


def test_the_job_anonymises_what_is_past_retention_and_keeps_the_rest_and_the_figures(w):
    # Given people who left long ago and lately, one who lives here, old and recent visits and cases
    gone = _left(person(w.household_a, name="王五"), LONG_AGO)
    died = _left(person(w.household_a, name="赵六", id_number=id_number(born=datetime.date(1940, 5, 6))), LONG_AGO,
                 PersonStatus.DECEASED)
    recent = _left(person(w.household_a, name="孙七"), LATELY)
    here = person(w.household_a, name="周八")
    old_visit = _visit(w.household_a, w.worker_a, LONG_AGO, met=[gone])
    new_visit = _visit(w.household_a, w.worker_a, LATELY)
    old_case = _closed(w, LONG_AGO, caller_name="钱九", caller_phone="13812345678",
                       caller_phone_index="x" * 64)
    new_case = _closed(w, LATELY, caller_name="吴十")
    open_case = cf.submit(w)
    before = _stats()

    # When the periodic job runs
    counts = services.run_retention(actor=SYSTEM)

    # Then only what is past retention is anonymised
    assert counts == {"people": 2, "visits": 1, "cases": 1}
    for p in (gone, died):
        p.refresh_from_db()
        assert p.name == ANONYMISED_NAME
        assert (p.id_number, p.id_number_hash, p.id_number_masked, p.phone, p.phone_hash, p.phone_masked) == ("",) * 6
    died.refresh_from_db()
    assert died.birth_date == datetime.date(1940, 1, 1)
    for p, name in ((recent, "孙七"), (here, "周八")):
        p.refresh_from_db()
        assert p.name == name and p.id_number and p.phone
    old_visit.refresh_from_db()
    new_visit.refresh_from_db()
    assert old_visit.findings == CLEARED_FINDINGS and list(old_visit.people_met.all()) == [gone]
    assert "13912345678" in new_visit.findings
    old_case.refresh_from_db()
    assert (old_case.caller_name, old_case.caller_phone, old_case.caller_phone_index, old_case.requester) == (
        "", "", "", None)
    new_case.refresh_from_db()
    open_case.refresh_from_db()
    assert new_case.caller_name == "吴十" and new_case.requester == w.resident
    assert open_case.requester == w.resident
    # and the figures (counts per matter, place, state, date; people per household and status) are unchanged
    assert _stats() == before
    # and each batch and the run are audited (ids, never values)
    run = AuditEvent.objects.get(action="privacy.retention.run")
    assert run.after == counts
    people = AuditEvent.objects.get(action="privacy.retention.people")
    assert sorted(people.after["ids"]) == sorted([gone.pk, died.pk])
    assert AuditEvent.objects.get(action="privacy.retention.cases").after["ids"] == [old_case.pk]
    assert AuditEvent.objects.get(action="privacy.retention.visits").after["ids"] == [old_visit.pk]
    assert "王五" not in str(people.after) + people.note

    # When it runs again, there is nothing left to do
    assert services.run_retention(actor=SYSTEM) == {"people": 0, "visits": 0, "cases": 0}


def test_the_parties_to_a_dispute_closed_long_ago_are_anonymised_with_the_case(w):
    # given two neighbour disputes with their parties: one closed six years ago, one last month
    from gongzhi.cases import services as case_services
    from gongzhi.cases.models import DisputeParty

    old, recent = (cf.in_progress(w, "neighbour-dispute", title="楼上漏水纠纷", description="楼上漏水损坏楼下吊顶")
                   for _ in range(2))
    for case in (old, recent):
        case_services.dispute_add_party(actor=w.worker_a, case=case, role="applicant", name="李建国",
                                        phone="13900001111", household=w.household_a)
        case_services.dispute_add_party(actor=w.worker_a, case=case, role="respondent", name="王秀英",
                                        phone="13900002222")
    Case.objects.filter(pk=old.pk).update(state="closed", closed_at=LONG_AGO, requester=None)
    Case.objects.filter(pk=recent.pk).update(state="closed", closed_at=LATELY, requester=None)
    assert services.pending()["cases"] == 1  # the parties alone keep the old case pending

    # when the retention job runs
    counts = services.run_retention(actor=SYSTEM)

    # then the old dispute's parties keep their role but name nobody, the recent ones are untouched,
    # and the batch's audit event counts them
    assert counts["cases"] == 1
    old_parties = DisputeParty.objects.filter(dispute__case=old)
    assert sorted(old_parties.values_list("role", flat=True)) == ["applicant", "respondent"]
    assert {(p.name, p.phone, p.household_id) for p in old_parties} == {("", "", None)}
    assert sorted(DisputeParty.objects.filter(dispute__case=recent).values_list("name", flat=True)) == [
        "李建国", "王秀英"]
    [batch] = AuditEvent.objects.filter(action="privacy.retention.cases")
    assert batch.after["ids"] == [old.pk] and batch.after["dispute_parties"] == 2
    assert "李建国" not in str(batch.after) + batch.note
    assert services.pending()["cases"] == 0


def test_batches_are_bounded_and_periods_configurable(w, settings):
    # Given three people who left lately, and a period of ten days, in batches of two
    settings.PRIVACY_PERSON_DAYS = 10
    settings.PRIVACY_BATCH_SIZE = 2
    for _ in range(3):
        _left(person(w.household_a), LATELY)
    # When the job runs
    counts = services.run_retention(actor=SYSTEM)
    # Then all three are anonymised, in two audited batches
    assert counts["people"] == 3
    assert AuditEvent.objects.filter(action="privacy.retention.people").count() == 2


def test_the_command_dry_run_changes_nothing_and_the_run_does(w):
    # Given a person past retention
    gone = _left(person(w.household_a, name="王五"), LONG_AGO)
    # When the command runs with --dry-run
    out = io.StringIO()
    call_command("privacy", "anonymise", "--dry-run", stdout=out)
    # Then it counts, changes nothing and audits nothing
    assert "people: would anonymise 1" in out.getvalue()
    gone.refresh_from_db()
    assert gone.name == "王五"
    assert not AuditEvent.objects.filter(action__startswith="privacy.retention").exists()
    # When it runs for real
    out = io.StringIO()
    call_command("privacy", "anonymise", stdout=out)
    assert "people: anonymised 1" in out.getvalue()
    gone.refresh_from_db()
    assert gone.name == ANONYMISED_NAME
    assert AuditEvent.objects.get(action="privacy.retention.run").actor_label.startswith("command:privacy")


def _person_with_history(w):
    someone = person(w.household_a, name="张三", phone="13912340000", relation="head")
    resident_services.person_tag_add(actor=SYSTEM, person=someone, kind="elderly_alone", start_on=timezone.localdate())
    _visit(w.household_a, w.worker_a, LATELY, met=[someone])
    case = cf.submit(w)
    case.caller_name, case.caller_phone, case.caller_phone_index = "张三", "13912340000", someone.phone_hash
    case.save()
    resident_services.person_reveal(actor=w.cstaff, person=someone, reason="核实身份")
    return someone, case


def test_a_person_s_data_is_exported_with_the_reveal_log_and_the_export_is_audited(w):
    # Given a person with a tag, a visit, a case they filed by phone and a reveal of their data
    someone, case = _person_with_history(w)
    client = Client()
    client.force_login(w.cstaff)
    # When community staff export it through the API
    response = client.get(f"/api/privacy/people/{someone.pk}/export", {"reason": "本人申请"})
    # Then the workbook holds the person unmasked, the tag, the visit, the case and the reveal log
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    text = {name: " ".join(str(c) for row in book[name].iter_rows(values_only=True) for c in row if c is not None)
            for name in book.sheetnames}
    everything = " ".join(text.values())
    assert someone.id_number in everything and "13912340000" in everything and "张三" in everything
    assert "13912345678" in everything  # the visit's notes, as recorded
    assert case.reference in everything
    log = text[book.sheetnames[-1]]
    assert "核实身份" in log and w.cstaff.username in log
    # and the export is an audit event on the person
    event = AuditEvent.objects.get(action="privacy.person.export")
    assert event.object_id == str(someone.pk) and event.note == "本人申请"


def test_the_export_page_shows_retention_and_downloads(w):
    someone, _case = _person_with_history(w)
    client = Client()
    client.force_login(w.sstaff)
    url = reverse("privacy:person", args=[someone.pk])
    page = client.get(url)
    assert page.status_code == 200 and "核实身份" in page.content.decode()
    download = client.post(url, {"reason": "本人申请"})
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    assert AuditEvent.objects.filter(action="privacy.person.export").count() == 1


def test_the_export_is_404_outside_scope_and_403_without_the_permission(w):
    someone, _case = _person_with_history(w)
    elsewhere = cf.tree()  # another district
    stranger = user("community_staff", nodes=[elsewhere["community"]])
    api = f"/api/privacy/people/{someone.pk}/export"
    page = reverse("privacy:person", args=[someone.pk])
    for who, status in ((stranger, 404), (w.resident, 404), (w.worker_a, 403), (w.inspector, 403), (w.admin, 200)):
        client = Client()
        client.force_login(who)
        assert client.get(api).status_code == status, who
        assert client.get(page).status_code == status, who
    assert AuditEvent.objects.filter(action="privacy.person.export").count() == 1


def test_the_person_page_links_to_the_privacy_page_for_whoever_may_export(w):
    someone = person(w.household_a, name="赵敏", phone="13912340001", relation="head")
    client = Client()
    link = reverse("privacy:person", args=[someone.pk])
    # community staff, who may export, find the link on the person's page
    client.force_login(w.cstaff)
    assert f'href="{link}"' in client.get(f"/residents/people/{someone.pk}/").content.decode()
    # a grid worker, who may not, does not
    client.force_login(w.worker_a)
    page = client.get(f"/residents/people/{someone.pk}/")
    assert page.status_code == 200 and f'href="{link}"' not in page.content.decode()


def test_the_privacy_page_states_retention_in_years_and_months(w, settings):
    someone = person(w.household_a, name="赵敏", phone="13912340001", relation="head")
    settings.PRIVACY_VISIT_NOTES_DAYS = 540
    client = Client()
    client.force_login(w.cstaff)
    page = client.get(reverse("privacy:person", args=[someone.pk])).content.decode()
    # the defaults (5 and 3 years) and the configured 540 days read as years and months, not days
    assert "5 年" in page and "3 年" in page and "18 个月" in page
    assert "1825" not in page and "1095" not in page and "540" not in page


def test_a_csrf_failure_is_a_translated_page_with_nothing_inline():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期" in page
    # (the shell's own scripts are files: every <script> names its src; nothing is styled inline)
    assert not re.search(r"<style[\s>]", page) and " style=" not in page
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))


def test_a_volunteer_registered_from_a_person_past_retention_is_anonymised_with_them_and_keeps_the_hours(w):
    # given a resident who moved out long ago and had volunteered, with points, and one who lives here
    from gongzhi.points.selectors import account_of
    from gongzhi.volunteers.models import Volunteer
    from gongzhi.volunteers.tests import factories as vf

    gone = _left(person(w.household_a, name="王五"), LONG_AGO)
    here = person(w.household_a, name="周八")
    old = vf.volunteer(w.household_a, name="王五", person=gone, phone="13912345678",
                       id_number=id_number(born=datetime.date(1960, 3, 4)), languages="兰州话")
    current = vf.volunteer(w.household_a, name="周八", person=here, phone="13812345678")
    vf.give_points(old, 30)
    # when the retention job runs
    services.run_retention(actor=SYSTEM)
    # then the old volunteer record no longer names or reaches them, and keeps number and points
    old = Volunteer.objects.get(pk=old.pk)
    assert old.name == ANONYMISED_NAME and not old.publish_name
    assert (old.phone, old.phone_hash, old.phone_masked, old.id_number, old.id_number_hash, old.id_number_masked,
            old.languages) == ("",) * 7
    account = account_of(programme="volunteers", holder=old)
    assert account.name == ANONYMISED_NAME and account.balance == 30
    assert Volunteer.objects.get(pk=current.pk).name == "周八"
    event = AuditEvent.objects.get(action="privacy.retention.volunteers")
    assert event.after["ids"] == [old.pk] and "王五" not in str(event.after) + event.note


def test_a_person_s_export_holds_their_volunteer_service_and_points(w):
    # given a resident who volunteers, served at an activity and earned points
    from gongzhi.volunteers.tests import factories as vf

    someone = person(w.household_a, name="李秀兰")
    volunteer = vf.volunteer(w.household_a, name="李秀兰", person=someone)
    activity = vf.activity(w.nodes["community"], title="楼道清扫")
    vf.signup(activity, volunteer, state="done", minutes=90)
    vf.give_points(volunteer, 15)
    client = Client()
    client.force_login(w.cstaff)
    # when the staff export the person's data
    response = client.get(f"/api/privacy/people/{someone.pk}/export", {"reason": "本人申请"})
    # then a sheet lists the volunteer number, the activity with its minutes and the points
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["志愿服务"]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert volunteer.number in text and "楼道清扫" in text and "90" in text and "15" in text

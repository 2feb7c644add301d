"""Carrying a resolution out: owners, plan, milestones, spending in fen, progress with photos, done;
overdue milestones flagged once."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.deliberation.models import Milestone, Resolution, ResolutionState
from gongzhi.deliberation.services import resolutions as service
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100"
    "c9fe92ef0000000049454e44ae426082"
)
TODAY = timezone.localdate


def _resolution(w) -> Resolution:
    return f.resolved_topic(w).resolution


def _with_owner(w, capture=None):
    resolution = _resolution(w)
    unit = UnitFactory(area=w.community, name="瓜州物业公司")
    liaison = user(Role.UNIT_LIAISON, unit=unit, display_name="钱经理")
    if capture is None:
        service.owner_add(actor=w.cstaff, resolution=resolution, owner=unit)
    else:
        with capture(execute=True):
            service.owner_add(actor=w.cstaff, resolution=resolution, owner=unit)
    return resolution, unit, liaison


def test_a_unit_named_owner_sees_its_resolution_and_is_told(django_capture_on_commit_callbacks):
    # given a resolved topic, when the community staff name the property company as owner
    w = f.world()
    resolution, unit, liaison = _with_owner(w, django_capture_on_commit_callbacks)
    # then the company's liaison (no area scope) sees it and got a notification
    assert Resolution.objects.visible_to(liaison).filter(pk=resolution.pk).exists()
    assert Notification.objects.filter(recipient=liaison, kind="deliberation.resolution_owner").exists()
    # and naming the same owner twice is refused beside the field
    with pytest.raises(InvalidInput) as refused:
        service.owner_add(actor=w.cstaff, resolution=resolution, owner=unit)
    assert "owner" in refused.value.fields


def test_a_resident_may_not_manage_owners_and_the_street_may():
    w = f.world()
    resolution = _resolution(w)
    with pytest.raises(Forbidden):
        service.owner_add(actor=w.residents[0], resolution=resolution, owner="瓜州物业公司")
    service.owner_add(actor=w.sstaff, resolution=resolution, owner="兰州某某建设公司")
    assert resolution.owners.filter(name="兰州某某建设公司").exists()


def test_spending_is_kept_in_fen_and_summed():
    # given an owner
    w = f.world()
    resolution, _unit, liaison = _with_owner(w)
    # when the budget is set from yuan and two spendings are recorded
    service.resolution_plan(actor=liaison, resolution=resolution, budget_fen=service.fen_from_yuan("12,800.50"),
                            deadline=TODAY() + dt.timedelta(days=60))
    service.spending_record(actor=liaison, resolution=resolution, amount_fen=650_000, spent_on=TODAY(), purpose="空调采购")
    service.spending_record(actor=liaison, resolution=resolution, amount_fen=80_025, spent_on=None, purpose="安装费")
    resolution.refresh_from_db()
    # then the totals are exact
    assert resolution.budget_fen == 1_280_050 and resolution.spent_fen == 730_025
    assert service.yuan(resolution.spent_fen) == "7,300.25"
    # and bad amounts are refused beside their field
    for bad in ("-5", "1.234", "abc", ""):
        with pytest.raises(InvalidInput) as refused:
            service.fen_from_yuan(bad)
        assert "amount" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        service.spending_record(actor=liaison, resolution=resolution, amount_fen=0, spent_on=None, purpose="x")
    assert "amount_fen" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        service.spending_record(actor=liaison, resolution=resolution, amount_fen=10.5, spent_on=None, purpose="x")
    assert "amount_fen" in refused.value.fields
    resolution.refresh_from_db()
    assert resolution.spendings.count() == 2


def test_progress_with_a_photo_and_a_fake_photo_refused():
    w = f.world()
    resolution, _unit, liaison = _with_owner(w)
    report = service.progress_report(actor=liaison, resolution=resolution, text="空调已到货", progress=40,
                                     photos=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")])
    resolution.refresh_from_db()
    assert resolution.progress == 40 and report.photos.get().content_type == "image/png"
    with pytest.raises(InvalidInput) as refused:
        service.progress_report(actor=liaison, resolution=resolution, text="更新", progress=50,
                                photos=[SimpleUploadedFile("现场.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")])
    assert "photos" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        service.progress_report(actor=liaison, resolution=resolution, text="更新", progress=120)
    assert "progress" in refused.value.fields
    resolution.refresh_from_db()
    assert resolution.progress == 40 and resolution.updates.count() == 1


def test_done_needs_every_milestone_reached_and_then_nothing_changes_until_reopened():
    w = f.world()
    resolution, _unit, liaison = _with_owner(w)
    milestone = service.milestone_add(actor=liaison, resolution=resolution, title="采购空调",
                                      due_on=TODAY() + dt.timedelta(days=10))
    with pytest.raises(Conflict):
        service.resolution_complete(actor=liaison, resolution=resolution)
    service.milestone_done(actor=liaison, milestone=milestone)
    done = service.resolution_complete(actor=liaison, resolution=resolution, note="空调已安装并投入使用")
    assert done.state == ResolutionState.DONE and done.progress == 100
    with pytest.raises(Conflict):
        service.spending_record(actor=liaison, resolution=resolution, amount_fen=100, spent_on=None, purpose="追加")
    # and a milestone added before it is reopened is refused as a conflict, not half-written
    with pytest.raises(Conflict):
        service.milestone_add(actor=w.cstaff, resolution=resolution, title="补充", due_on=TODAY())
    assert resolution.milestones.count() == 1


def test_overdue_milestones_are_flagged_once_and_owners_and_staff_told(django_capture_on_commit_callbacks):
    # given a milestone due yesterday (backdated)
    w = f.world()
    resolution, _unit, liaison = _with_owner(w)
    milestone = service.milestone_add(actor=liaison, resolution=resolution, title="采购空调",
                                      due_on=TODAY() + dt.timedelta(days=1))
    Milestone.objects.filter(pk=milestone.pk).update(due_on=TODAY() - dt.timedelta(days=1))
    worker = SystemActor(label="task:deliberation-overdue")
    # when the worker runs twice
    with django_capture_on_commit_callbacks(execute=True):
        assert service.milestones_flag_overdue(actor=worker) == 1
        assert service.milestones_flag_overdue(actor=worker) == 0
    # then it is flagged, audited, and the owner and the community staff were told once
    milestone.refresh_from_db()
    assert milestone.overdue_flagged_at is not None and milestone.is_overdue
    assert AuditEvent.objects.filter(action="deliberation.milestone.overdue").count() == 1
    assert Notification.objects.filter(kind="deliberation.milestone_overdue", recipient=liaison).count() == 1
    assert Notification.objects.filter(kind="deliberation.milestone_overdue", recipient=w.cstaff).count() == 1
    with pytest.raises(Forbidden):
        service.milestones_flag_overdue(actor=w.cstaff)


def test_a_milestone_of_another_community_is_not_found():
    w = f.world()
    resolution, _unit, liaison = _with_owner(w)
    milestone = service.milestone_add(actor=liaison, resolution=resolution, title="采购空调",
                                      due_on=TODAY() + dt.timedelta(days=1))
    stranger = user(Role.UNIT_LIAISON, unit=UnitFactory(area=w.community, name="别的单位"))
    with pytest.raises(NotFound):
        service.milestone_done(actor=stranger, milestone=milestone)

"""Checks at the door write the household's points to the ledger once; a standard is checked once a
day; deductions stop at zero; a grid worker checks only the households of their grid."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.civility.models import Check
from gongzhi.civility.services.checks import checks_record, standard_field
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.points import selectors as ledger
from gongzhi.points.models import Entry, EntryKind, Programme

from . import factories


@pytest.fixture
def standards(world):
    return factories.only_standards(world["community"], ("门前三包", 3, 5), ("楼道无堆物", 2, 4))


def test_a_check_writes_each_result_to_the_ledger_once(world, standards):
    # given the grid worker at household A
    sanbao, louda = standards
    # when one standard is met and one is not
    rows = checks_record(actor=world["grid_worker"], household=world["household_a"],
                         results={sanbao.pk: True, louda.pk: False}, note="门口干净，楼道里堆了纸箱")
    # then the ledger holds one entry per result, each named by its check, and the balance moved by both
    entries = Entry.objects.filter(account__programme=Programme.CIVILITY).order_by("id")
    assert [(e.kind, e.amount) for e in entries] == [(EntryKind.EARN, 3), (EntryKind.DEDUCT, -3)]
    assert [e.source for e in entries] == [f"civility.check:{r.pk}:{r.code}" for r in rows]
    assert entries[1].approved_by == world["grid_worker"]
    assert ledger.balance(programme=Programme.CIVILITY, holder=world["household_a"]) == 0
    # the deduction stopped at zero: the check says what the standard takes and what the ledger moved
    assert (rows[1].points, rows[1].applied) == (-4, -3)


def test_a_deduction_at_zero_writes_nothing_but_the_check_is_kept(world, standards):
    rows = checks_record(actor=world["grid_worker"], household=world["household_a"], results={standards[0].pk: False})
    assert rows[0].applied == 0 and rows[0].entry is None and not rows[0].met
    assert not Entry.objects.exists()


def test_a_second_check_of_a_standard_the_same_day_is_refused_beside_it(world, standards):
    sanbao, louda = standards
    checks_record(actor=world["grid_worker"], household=world["household_a"], results={sanbao.pk: True})
    with pytest.raises(InvalidInput) as refused:
        checks_record(actor=world["inspector"], household=world["household_a"],
                      results={sanbao.pk: True, louda.pk: True})
    assert standard_field(sanbao) in refused.value.fields
    # nothing of the second visit was written, not even the other standard
    assert Check.objects.count() == 1
    assert Entry.objects.count() == 1
    # the next day it may be checked again
    checks_record(actor=world["inspector"], household=world["household_a"], results={sanbao.pk: True},
                  on=timezone.localdate() - dt.timedelta(days=1))
    assert ledger.balance(programme=Programme.CIVILITY, holder=world["household_a"]) == 6


def test_a_grid_worker_cannot_check_a_household_outside_their_grid(world, standards):
    with pytest.raises(NotFound):
        checks_record(actor=world["grid_worker"], household=world["household_b"], results={standards[0].pk: True})
    assert not Check.objects.exists()


def test_only_photos_are_taken(world, standards):
    text = SimpleUploadedFile("photo.jpg", b"just some text, not a photo", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as refused:
        checks_record(actor=world["grid_worker"], household=world["household_a"], results={standards[0].pk: True},
                      photos=[text])
    assert "photos" in refused.value.fields
    photo = SimpleUploadedFile("door.png", factories.PNG, content_type="image/png")
    rows = checks_record(actor=world["grid_worker"], household=world["household_a"], results={standards[0].pk: True},
                         photos=[photo])
    assert rows[0].photos.get().content_type == "image/png"


def test_a_standard_of_another_community_does_not_apply(world, standards):
    elsewhere = factories.standard(area=world["other"]["community"], name="别处的标准")
    with pytest.raises(InvalidInput) as refused:
        checks_record(actor=world["grid_worker"], household=world["household_a"], results={elsewhere.pk: True})
    assert "results" in refused.value.fields


def test_a_rule_change_applies_from_its_date_and_keeps_past_checks(world, standards):
    sanbao = standards[0]
    checks_record(actor=world["grid_worker"], household=world["household_a"], results={sanbao.pk: True},
                  on=timezone.localdate() - dt.timedelta(days=3))
    newer = factories.standard(area=world["community"], code=sanbao.code, name="门前三包（新）", met=5,
                               valid_from=timezone.localdate() - dt.timedelta(days=1))
    rows = checks_record(actor=world["grid_worker"], household=world["household_a"], results={newer.pk: True})
    assert rows[0].applied == 5
    assert Check.objects.get(checked_on=timezone.localdate() - dt.timedelta(days=3)).applied == 3

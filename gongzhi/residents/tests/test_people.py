"""Registering people, their history (moves, deaths, tags), and personal data at rest."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from gongzhi.core import pii
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.residents import selectors, services
from gongzhi.residents.models import Move, Person, PersonStatus

from .factories import id_number, person, phone, user, world

pytestmark = pytest.mark.django_db


def test_person_is_stored_encrypted_with_hash_mask_and_derived_birth_date():
    w = world()
    number = id_number(born=datetime.date(1988, 5, 1), male=False)
    p = person(w["household_a"], name="王芳", id_number=number, phone="13912345678")
    # then the ID gives date of birth and gender
    assert p.birth_date == datetime.date(1988, 5, 1) and p.gender == "female"
    assert p.id_number_masked == number[:4] + "*" * 10 + number[-4:]
    assert p.phone_masked == "139****5678"
    # and the database holds ciphertext only
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM residents_person WHERE id = %s", [p.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert number not in raw_id and "13912345678" not in raw_phone
    assert pii.decrypt(raw_id) == number
    assert Person.objects.get(pk=p.pk).id_number == number
    assert p.name_initials == "wf" and p.name_pinyin == "wangfang"
    assert number not in str(p) and number not in repr(p)


def test_bad_checksum_and_duplicate_are_refused_with_masked_messages():
    w = world()
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        person(w["household_a"], id_number=bad)
    assert "check digit" in exc.value.message or "校验" in exc.value.message
    assert bad not in str(exc.value.as_dict())
    person(w["household_a"], id_number=good)
    with pytest.raises(InvalidInput) as exc:
        person(w["household_b"], id_number=good)
    assert good not in str(exc.value.as_dict()) and good[-4:] in exc.value.message


def test_bad_phone_is_refused_without_echoing_it():
    w = world()
    with pytest.raises(InvalidInput) as exc:
        person(w["household_a"], phone="1391234567890")
    assert "1391234567890" not in str(exc.value.as_dict())
    assert exc.value.fields["phone"]


def test_move_out_and_death_keep_history_and_end_tags():
    w = world()
    staff = w["community_staff"]
    p = w["person_a"]
    services.person_tag_add(actor=staff, person=p, kind="elderly_alone")
    services.person_move_out(actor=staff, person=p, date=timezone.localdate(), place="北京")
    p.refresh_from_db()
    assert p.status == PersonStatus.MOVED_OUT
    assert list(Move.objects.filter(person=p).values_list("kind", flat=True).order_by("id")) == ["move_in", "move_out"]
    assert p.tags.get().end_on == timezone.localdate()
    # and a second person dies
    q = w["person_b"]
    services.person_record_death(actor=staff, person=q, date=timezone.localdate())
    q.refresh_from_db()
    assert q.status == PersonStatus.DECEASED and q.died_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="residents.person.death").count() == 1
    # the living list no longer shows them, the full list does
    assert not selectors.people_visible(user=staff).filter(pk__in=[p.pk, q.pk]).exists()
    assert selectors.people_visible(user=staff, status="").filter(pk__in=[p.pk, q.pk]).count() == 2


def test_transfer_within_area_and_return():
    w = world()
    staff = w["community_staff"]
    p = services.person_transfer(actor=staff, person=w["person_a"], household=w["household_b"])
    assert p.household == w["household_b"]
    assert Move.objects.filter(person=p, kind="transfer", from_household=w["household_a"]).exists()
    # a grid worker of grid A cannot move someone into grid B
    other = person(w["household_a"])
    with pytest.raises(NotFound):
        services.person_transfer(actor=w["grid_worker_a"], person=other, household=w["household_b"])


def test_tags_have_periods_and_one_open_tag_per_kind():
    w = world()
    staff = w["community_staff"]
    tag = services.person_tag_add(actor=staff, person=w["person_a"], kind="subsistence",
                                  start_on=datetime.date(2024, 1, 1))
    with pytest.raises(InvalidInput):
        services.person_tag_add(actor=staff, person=w["person_a"], kind="subsistence")
    services.person_tag_end(actor=staff, tag=tag, end_on=datetime.date(2024, 6, 30))
    services.person_tag_add(actor=staff, person=w["person_a"], kind="subsistence")
    assert w["person_a"].tags.count() == 2
    assert selectors.people_visible(user=staff, tag="subsistence").get() == w["person_a"]


def test_reveal_needs_permission_and_is_audited():
    w = world()
    p = w["person_a"]
    # a grid worker does not reveal by default
    with pytest.raises(Forbidden):
        services.person_reveal(actor=w["grid_worker_a"], person=p)
    # community staff do, and each reveal is an event without the values
    values = services.person_reveal(actor=w["community_staff"], person=p, reason="核实低保")
    assert values["id_number"] == p.id_number and values["phone"] == p.phone
    event = AuditEvent.objects.get(action="residents.person.reveal")
    assert event.actor == w["community_staff"] and event.note == "核实低保"
    assert p.id_number not in str(event.after) + event.object_repr + event.note


def test_reveal_can_be_granted_to_one_grid_worker():
    from django.contrib.auth.models import Permission

    w = world()
    worker = w["grid_worker_a"]
    worker.user_permissions.add(Permission.objects.get(codename="reveal_pii"))
    worker = type(worker).objects.get(pk=worker.pk)
    assert services.person_reveal(actor=worker, person=w["person_a"])["phone"] == w["person_a"].phone
    with pytest.raises(NotFound):  # but still only within the grid
        services.person_reveal(actor=worker, person=w["person_b"])


def test_audit_events_never_hold_plaintext():
    w = world()
    number, mobile = id_number(), phone()
    p = person(w["household_a"], id_number=number, phone=mobile)
    services.person_update(actor=w["community_staff"], person=p, phone=phone(), occupation="教师")
    blob = " ".join(str((e.before, e.after, e.note, e.object_repr)) for e in AuditEvent.objects.all())
    assert number not in blob and mobile not in blob
    assert pii.mask_phone(mobile) in blob


def test_search_by_name_initials_exact_id_phone_address_and_tag():
    w = world()
    staff = w["community_staff"]
    zs = w["person_a"]
    assert list(selectors.people_visible(user=staff, q="zs")) == [zs]
    assert list(selectors.people_visible(user=staff, q="zhang")) == [zs]
    assert list(selectors.people_visible(user=staff, q="张")) == [zs]
    assert list(selectors.people_visible(user=staff, q=zs.id_number)) == [zs]
    assert list(selectors.people_visible(user=staff, q=zs.id_number[:-2])) == []  # exact only
    assert list(selectors.people_visible(user=staff, q=zs.phone)) == [zs]
    assert list(selectors.people_visible(user=staff, q="A1号楼")) == [zs]
    services.person_tag_add(actor=staff, person=w["person_b"], kind="veteran")
    assert list(selectors.people_visible(user=staff, tag="veteran")) == [w["person_b"]]


def test_rekey_moves_everything_to_the_new_key(settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    w = world()
    old = list(settings.FIELD_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, *old]
    call_command("pii", "rekey", "--only", "residents", verbosity=0)
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone: everything still reads
    assert Person.objects.get(pk=w["person_a"].pk).id_number == w["person_a"].id_number
    assert AuditEvent.objects.filter(action="core.pii.rekey").exists()


def test_roles_without_residents_access_see_nothing():
    w = world()
    supervisor = user("supervision", nodes=[w["community"]])
    assert not selectors.people_visible(user=supervisor).exists()


def test_link_to_party_membership_within_scope():
    from gongzhi.party.tests.factories import party_tree

    pt = party_tree()
    staff = user("community_staff", nodes=[pt["community"]])
    resident = person(pt["household_a"], name="张甲")
    linked = services.person_link_party_member(actor=staff, person=resident, party_member=pt["member_a"])
    assert linked.party_member == pt["member_a"] and linked.is_party_member
    assert pt["member_a"].resident == linked
    # a member of another community is out of scope
    with pytest.raises(NotFound):
        services.person_link_party_member(actor=staff, person=resident, party_member=pt["member_c"])
    assert AuditEvent.objects.filter(action="residents.person.party_link").count() == 1


def test_someone_who_moved_out_can_be_registered_again_elsewhere():
    # given 李四 moved out of grid B
    w = world()
    li = w["person_b"]
    services.person_move_out(actor=w["grid_worker_b"], person=li, place="西固区")
    # when grid A registers the same ID number (by hand, then once more by import)
    again = services.person_create(actor=w["grid_worker_a"], household=w["household_a"], name="李四",
                                   id_number=li.id_number, relation="tenant")
    # then it is the same record, living in grid A now, with the whole history
    assert again.pk == li.pk and again.status == PersonStatus.LIVING and again.household == w["household_a"]
    kinds = list(Move.objects.filter(person=li).order_by("id").values_list("kind", flat=True))
    assert kinds == ["move_in", "move_out", "move_in"]
    assert not selectors.people_visible(user=w["grid_worker_b"]).filter(pk=li.pk).exists()
    assert selectors.people_visible(user=w["grid_worker_a"]).filter(pk=li.pk).exists()
    # a living person registered elsewhere is still refused
    with pytest.raises(InvalidInput):
        services.person_create(actor=w["grid_worker_b"], household=w["household_b"], name="张三",
                               id_number=w["person_a"].id_number)

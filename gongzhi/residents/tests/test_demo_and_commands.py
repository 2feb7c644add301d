"""The demo loader (exact head count, valid generated IDs, deterministic) and the commands."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.areas.tests.factories import child
from gongzhi.core import pii
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.residents import demo, sample, xlsx
from gongzhi.residents.models import Person
from gongzhi.residents.validation import clean_id_number

from .factories import user, world

pytestmark = pytest.mark.django_db


def _households(w, count):
    nodes = [w["household_a"]]
    for n in range(count - 1):
        nodes.append(child(w["unit_a"], name=f"{201 + n}室"))
    return nodes


def test_demo_places_exactly_the_planned_people_with_valid_ids(monkeypatch):
    w = world()
    monkeypatch.setattr(demo, "MAIN_RESIDENTS", 40)
    households = _households(w, 16)
    before = Person.objects.count()
    ctx = DemoContext(seed=7, actor=SystemActor(label="command:demo"), verbose=False)
    ctx.data.update(households=households, users={"grid_worker": w["grid_worker_a"]})
    demo.load(ctx)
    people = Person.objects.exclude(pk__in=[w["person_a"].pk, w["person_b"].pk])
    assert Person.objects.count() - before == 40 == people.count()
    for p in people:
        clean_id_number(p.id_number)  # raises if the check digit or date were wrong
        assert p.id_number_masked == pii.mask_id_number(p.id_number)
    assert people.filter(relation__in=["head", "tenant"]).count() == 16
    # and the same seed gives the same people
    names = sorted(people.values_list("name", flat=True))
    Person.objects.filter(pk__in=people.values("pk")).delete()
    ctx2 = DemoContext(seed=7, actor=SystemActor(label="command:demo"), verbose=False)
    ctx2.data.update(households=households, users={})
    demo.load(ctx2)
    assert sorted(Person.objects.exclude(pk__in=[w["person_a"].pk, w["person_b"].pk]).values_list("name", flat=True)) == names


def test_import_and_export_commands(tmp_path):
    w = world()
    staff = w["community_staff"]
    rows = [{"name": "赵一", "id_number": sample.id_number(born=datetime.date(1970, 1, 1), male=True),
             "residence_type": "户籍", "relation": "户主", "building": w["building_a"].code, "unit": "1单元",
             "room": "501"}]
    path = tmp_path / "in.xlsx"
    sample.write_xlsx(rows, target=path)
    out = io.StringIO()
    call_command("residents", "import", str(path), "--user", staff.username, stdout=out)
    assert "1 created" in out.getvalue()
    export = tmp_path / "out.xlsx"
    call_command("residents", "export", str(export), "--user", staff.username, stdout=io.StringIO())
    assert export.stat().st_size > 1000
    rows[0]["phone"] = "12"
    sample.write_xlsx(rows, target=path)
    with pytest.raises(CommandError):
        call_command("residents", "import", str(path), "--user", staff.username, stdout=io.StringIO(),
                     stderr=io.StringIO())
    grid_worker = user("grid_worker", nodes=[w["grid_a"]])
    with pytest.raises(CommandError):  # grid workers do not export
        call_command("residents", "export", str(export), "--user", grid_worker.username, stdout=io.StringIO())
    template = tmp_path / "t.xlsx"
    call_command("residents", "template", str(template), stdout=io.StringIO())
    from openpyxl import load_workbook

    assert [c.value for c in next(load_workbook(template).active.iter_rows(max_row=1))] == xlsx.HEADERS


@settings(max_examples=200, deadline=None)
@given(
    born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31)),
    male=st.booleans(),
    order=st.integers(min_value=0, max_value=498),
    before=st.text(alphabet="abc 查询=&?/", max_size=10),
    after=st.text(alphabet="xyz 。，/", max_size=10),
)
def test_generated_ids_validate_and_never_survive_redaction(born, male, order, before, after):
    number = sample.id_number(born=born, male=male, order=order)
    assert clean_id_number(number)[1] == born
    text = pii.redact(f"{before}{number}{after} 13912345678")
    assert number not in text and "13912345678" not in text
    assert pii.mask_id_number(number) in text


def test_commands_record_who_ran_them(tmp_path):
    from gongzhi.core.models import AuditEvent

    w = world()
    staff = w["community_staff"]
    rows = [{"name": "钱二", "id_number": sample.id_number(born=datetime.date(1971, 2, 2), male=False),
             "residence_type": "户籍", "relation": "户主", "building": w["building_a"].code, "unit": "1单元",
             "room": "502"}]
    path = tmp_path / "in.xlsx"
    sample.write_xlsx(rows, target=path)
    call_command("residents", "import", str(path), "--as-user", staff.username, stdout=io.StringIO())
    event = AuditEvent.objects.get(action="residents.import")
    assert event.actor == staff and event.source == "command:residents"
    with pytest.raises(CommandError):
        call_command("residents", "import", str(path), "--as-user", staff.username, "--user", w["grid_worker_a"].username,
                     stdout=io.StringIO())
    call_command("pii", "rekey", "--only", "residents", "--as-user", staff.username, verbosity=0)
    event = AuditEvent.objects.get(action="core.pii.rekey")
    assert event.actor == staff and event.actor_label == f"command:pii ({staff.username})"

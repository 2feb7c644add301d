"""Excel import: all rows checked first, nothing written if any row is bad (with a report of every
bad row), a good file lands whole, and importing again updates people."""

import io
import logging
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from gongzhi.areas.tests.factories import child
from gongzhi.core.errors import InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.residents import sample, services, xlsx
from gongzhi.residents.models import ImportJob, Move, Person, PersonTag

from .factories import user

pytestmark = pytest.mark.django_db


def _rows(count: int, *, building: str, unit: str = "1单元", seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    ids = sample.unique_ids(rng, count)
    rows = []
    for i, (number, _born, _male) in enumerate(ids):
        rows.append({
            "name": rng.choice("赵钱孙李周吴郑王") + rng.choice("伟芳娜敏静丽强磊军洋"),
            "id_number": number,
            "phone": sample.mobile(rng),
            "residence_type": rng.choice(["户籍", "常住", "流动"]),
            "relation": "户主" if i % 3 == 0 else "子女",
            "building": building,
            "unit": unit,
            "room": str(201 + i // 3),
            "tags": "独居老人" if i % 50 == 0 else "",
            "party": "是" if i % 20 == 0 else "否",
        })
    return rows


def _upload(rows, name="people.xlsx"):
    return SimpleUploadedFile(name, sample.write_xlsx(rows), content_type=xlsx.HEADERS[0])


def test_ten_thousand_rows_with_one_bad_row_write_nothing_and_report_that_row(w, caplog):
    # given a file of 10,000 good rows but one with a wrong check digit
    staff = w["community_staff"]
    rows = _rows(10_000, building=w["building_a"].code)
    good = rows[4321]["id_number"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows[4321]["id_number"] = bad
    people_before, nodes_before = Person.objects.count(), Move.objects.count()
    # when it is imported
    with caplog.at_level(logging.DEBUG):
        result = services.residents_import(actor=staff, file=_upload(rows))
    # then nothing was written and exactly that row (spreadsheet row 4323) is reported, masked
    assert not result.ok
    assert Person.objects.count() == people_before and Move.objects.count() == nodes_before
    assert [number for number, _ in result.errors] == [4323]
    assert "check digit" in result.errors[0][1][0] or "校验" in result.errors[0][1][0]
    assert bad not in str(result.errors) and bad not in caplog.text
    # and the report can be downloaded by the uploader only, masked
    assert result.job.status == ImportJob.Status.REJECTED
    client_response = _download(w, staff, result.job.pk)
    sheet = load_workbook(io.BytesIO(client_response), read_only=True).active
    lines = list(sheet.iter_rows(values_only=True))[3:]  # under the title, the note and the header
    assert lines[0][0] == 4323 and bad not in str(lines) and pii_mask(bad) in str(lines)
    assert AuditEvent.objects.filter(action="residents.import.reject").count() == 1


def pii_mask(value):
    from gongzhi.core.pii import mask_id_number

    return mask_id_number(value)


def _download(w, who, pk):
    from django.test import Client

    c = Client()
    c.force_login(who)
    response = c.get(f"/residents/import/{pk}/report.xlsx")
    assert response.status_code == 200
    other = Client()
    other.force_login(w["grid_worker_a"])
    assert other.get(f"/residents/import/{pk}/report.xlsx").status_code == 404
    return b"".join(response.streaming_content)


def test_good_file_lands_whole_and_reimport_updates(w):
    staff = w["community_staff"]
    rows = _rows(300, building=w["building_a"].code)
    result = services.residents_import(actor=staff, file=_upload(rows))
    assert result.ok, result.errors
    assert (result.created, result.updated) == (300, 0)
    assert result.households_created == 100  # rooms 201… created under the known unit
    assert Person.objects.filter(household__path__startswith=w["unit_a"].path).count() == 301
    assert PersonTag.objects.filter(kind="elderly_alone").count() == 6
    # when the same file comes again with one changed phone and one changed room
    rows[5]["phone"] = "13800138000"
    rows[6]["room"] = "101"  # moves to the existing room 101室
    rows[6]["relation"] = "其他"
    again = services.residents_import(actor=staff, file=_upload(rows))
    # then people are updated, not duplicated
    assert again.ok, again.errors
    assert (again.created, again.updated) == (0, 300)
    assert Person.objects.count() == 302
    moved = Person.objects.get(id_number_hash=_hash(rows[6]["id_number"]))
    assert moved.household.name == "101室"
    assert Move.objects.filter(person=moved, kind="transfer").count() == 1
    assert Person.objects.get(id_number_hash=_hash(rows[5]["id_number"])).phone == "13800138000"
    assert PersonTag.objects.filter(kind="elderly_alone").count() == 6  # not duplicated
    assert AuditEvent.objects.filter(action="residents.import").count() == 2


def _hash(number):
    from gongzhi.core.pii import blind_index

    return blind_index("id_number", number)


def test_every_kind_of_bad_row_is_reported(w):
    staff = w["grid_worker_a"]
    rows = _rows(8, building=w["building_a"].name)
    rows[0]["id_number"] = rows[1]["id_number"]  # duplicate within the file
    rows[2]["building"] = "99号楼"  # unknown building
    rows[3]["phone"] = "12345"  # bad phone
    rows[4]["moved_in_on"] = "2023-13-45"  # bad date
    rows[5]["building"] = w["building_b"].code  # another grid: unknown in this worker's scope
    rows[6]["id_number"] = w["person_b"].id_number  # registered in another area
    rows[7]["residence_type"] = "外星"
    result = services.residents_import(actor=staff, file=_upload(rows))
    problems = dict(result.errors)
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "3" in problems[2][0] and "2" in problems[3][0]  # each names the other row
    assert "99号楼" in problems[4][0]
    assert any("phone" in m.lower() or "电话" in m for m in problems[5])
    assert any("2023-13-45" in m for m in problems[6])
    text = str(result.errors)
    assert w["person_b"].id_number not in text
    assert w["person_b"].id_number_masked in " ".join(problems[8])
    assert Person.objects.count() == 2


def test_missing_columns_and_non_xlsx_are_refused(w):
    staff = w["community_staff"]
    with pytest.raises(InvalidInput):
        services.residents_import(actor=staff, file=SimpleUploadedFile("x.xlsx", b"not a workbook"))
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "公民身份号码"])
    wb.active.append(["张三", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(InvalidInput) as exc:
        services.residents_import(actor=staff, file=SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert "人口类型" in exc.value.message


def test_unknown_unit_and_rooms_without_creation(w):
    staff = w["community_staff"]
    rows = _rows(2, building=w["building_a"].code)
    rows[0]["unit"] = "9单元"
    result = services.residents_import(actor=staff, file=_upload(rows), create_households=False)
    problems = dict(result.errors)
    assert "9单元" in problems[2][0]
    assert "201" in problems[3][0]  # rooms are not created when the user said so


def test_template_download_and_import_page_flow(client, w):
    staff = w["community_staff"]
    client.force_login(staff)
    response = client.get("/residents/import/template.xlsx")
    headers = next(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert list(headers) == xlsx.HEADERS
    rows = _rows(5, building=w["building_a"].code)
    rows[2]["phone"] = "0000"
    page = client.post("/residents/import/", {"file": _upload(rows), "create_households": "on"})
    assert page.status_code == 400
    assert "report.xlsx" in page.content.decode()
    rows[2]["phone"] = ""
    done = client.post("/residents/import/", {"file": _upload(rows), "create_households": "on"})
    assert done.status_code == 302
    assert Person.objects.count() == 7


def test_api_import_and_export_round_trip(client, w):
    staff = w["community_staff"]
    client.force_login(staff)
    rows = _rows(20, building=w["building_a"].code)
    response = client.post("/api/residents/import", {"file": _upload(rows)})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 20
    # a revealed export imports back as updates
    exported = client.get("/api/residents/export", {"reveal": "true"}).content
    again = client.post("/api/residents/import", {"file": SimpleUploadedFile("e.xlsx", exported)})
    assert again.status_code == 200, again.content
    assert again.json()["updated"] == 22 and again.json()["created"] == 0
    bad = client.post("/api/residents/import", {"file": _upload([{**rows[0], "phone": "1"}])})
    assert bad.status_code == 400 and bad.json()["bad_rows"] == 1 and bad.json()["report_url"]


def test_import_needs_an_editing_role(w):
    from gongzhi.core.errors import Forbidden

    inspector = user("inspector", nodes=[w["community"]])
    with pytest.raises(Forbidden):
        services.residents_import(actor=inspector, file=_upload(_rows(1, building=w["building_a"].code)))


def test_building_names_ambiguous_across_grids_need_codes(w):
    staff = w["community_staff"]
    child(w["grid_b"], name="A1号楼")
    result = services.residents_import(actor=staff, file=_upload(_rows(1, building="A1号楼")))
    assert "ambiguous" in result.errors[0][1][0] or "重名" in result.errors[0][1][0]


def test_cells_typed_by_excel_dates_numbers_and_the_template_itself(w):
    """Excel stores dates as numbers with a date format, phones and rooms as numbers; the template
    (with its example row filled in for a real room) imports."""
    import datetime

    from openpyxl import Workbook

    staff = w["community_staff"]
    wb = Workbook()
    ws = wb.active
    ws.title = "居民信息"
    ws.append(xlsx.HEADERS)
    number = sample.id_number(born=datetime.date(1960, 2, 29), male=True)
    ws.append(["刘一", None, number, None, 13912340000, "户籍", "户主", w["building_a"].name, "1单元", 301, None, None,
               "否", "独居老人、残疾", datetime.date(2020, 5, 1), None])
    ws["O2"].number_format = "yyyy/m/d"
    buffer = io.BytesIO()
    wb.save(buffer)
    result = services.residents_import(actor=staff, file=SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert result.ok, result.errors
    liu = Person.objects.get(name="刘一")
    assert liu.phone == "13912340000" and liu.household.name == "301室"
    assert liu.moved_in_on == datetime.date(2020, 5, 1) and liu.birth_date == datetime.date(1960, 2, 29)
    assert set(liu.tags.values_list("kind", flat=True)) == {"elderly_alone", "disabled"}
    # the downloadable template, its example row pointed at a real building, imports too
    wb = load_workbook(io.BytesIO(xlsx.template_bytes()))
    wb["居民信息"]["H2"] = w["building_a"].code
    wb["居民信息"]["J2"] = "102"
    buffer = io.BytesIO()
    wb.save(buffer)
    result = services.residents_import(actor=staff, file=SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert result.ok, result.errors
    assert Person.objects.get(name="张三", household__name="102室").birth_date == datetime.date(1980, 5, 1)


def test_id_number_typed_as_a_number_is_refused(w):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(xlsx.HEADERS)
    ws.append(["刘二", None, 620103196002290017, None, None, "户籍", "户主", w["building_a"].code, "1单元", "401"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = services.residents_import(actor=w["community_staff"], file=SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert "text" in result.errors[0][1][0] or "文本" in result.errors[0][1][0]


def test_import_registers_someone_who_moved_out_of_another_area(w):
    li = w["person_b"]
    services.person_move_out(actor=w["grid_worker_b"], person=li)
    rows = _rows(1, building=w["building_a"].code)
    rows[0].update(id_number=li.id_number, name="李四")
    result = services.residents_import(actor=w["grid_worker_a"], file=_upload(rows))
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    li.refresh_from_db()
    assert li.status == "living" and li.household.path.startswith(w["grid_a"].path)
    assert Move.objects.filter(person=li, kind="move_in", from_household=w["household_b"]).exists()


def test_large_uploads_are_imported_in_the_background(client, w, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    monkeypatch.setattr(services, "BACKGROUND_IMPORT_BYTES", 1000)
    client.force_login(w["community_staff"])
    rows = _rows(30, building=w["building_a"].code)
    # when a file above the threshold is uploaded, the page answers at once and the worker imports it
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/residents/import/", {"file": _upload(rows), "create_households": "on"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.SUCCEEDED and job.created_count == 30
    assert not job.upload and not default_storage.listdir("imports/pending")[1]  # the encrypted upload is gone
    assert Person.objects.count() == 32
    # through the API: 202, then the job's state
    rows[3]["phone"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post("/api/residents/import", {"file": _upload(rows)})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    state = client.get(f"/api/residents/imports/{queued.json()['id']}").json()
    assert state["status"] == "rejected" and state["bad_rows"] == 1 and state["report_url"]
    # a file that is not a workbook fails with a message, nothing imported
    with django_capture_on_commit_callbacks(execute=True):
        broken = client.post("/api/residents/import", {"file": SimpleUploadedFile("x.xlsx", b"x" * 2000)})
    state = client.get(f"/api/residents/imports/{broken.json()['id']}").json()
    assert state["status"] == "failed" and state["message"]
    assert Person.objects.count() == 32


def test_the_downloaded_template_imports_as_it_is_with_addresses_people_write(client, w):
    # given a community's estate: building A1 belongs to 铁建丽苑
    from gongzhi.areas import services as area_services
    from gongzhi.areas.tests.factories import ACTOR

    estate = area_services.estate_save(actor=ACTOR, community=w["community"], name="铁建丽苑")
    building = w["building_a"]
    area_services.area_node_update(actor=ACTOR, node=building, name=building.name, estate=estate)
    client.force_login(w["community_staff"])
    # when the staff member downloads the template
    response = client.get("/residents/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    examples = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    # then its example rows name a real flat the way people write it, never by code
    assert [(r[7], r[8], r[9]) for r in examples] == [("铁建丽苑A1号楼", "1单元", "101室")] * 2
    assert not any(str(cell).isdigit() and len(str(cell)) > 10 for row in examples for cell in row if cell)
    # and uploaded unchanged, it imports without a single error
    upload = SimpleUploadedFile("template.xlsx", response.content)
    done = client.post("/residents/import/", {"file": upload, "create_households": "on"})
    assert done.status_code == 302, list(done.context["errors"])
    assert set(Person.objects.filter(household=w["household_a"]).values_list("name", flat=True)) >= {"张三", "李秀兰"}


def test_the_export_gives_each_persons_address_as_people_say_it(w):
    # given 张三 in household A
    content = services.residents_export(actor=w["community_staff"])
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if "地址" in r)  # under the title rows
    column = rows[header].index("地址")
    zhang = next(r for r in rows[header + 1:] if r[0] == "张三")
    # then the 地址 column reads street to flat, not a code
    assert zhang[column] == "西站街道 瓜州路社区 第A网格 A1号楼1单元101室"

"""Open311 GeoReport v2 contract: every endpoint in XML and JSON, the spec's roots and arrays, the
errors; a request filed through Open311 is in the staff inbox, reads back through Open311 and the
ninja API, and its progress shows; reads never show personal data; a key's area limits it."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.areas.models import AreaNode
from gongzhi.cases import selectors as case_selectors
from gongzhi.cases import services as case_services
from gongzhi.cases.models import Case, Channel, State
from gongzhi.cases.tests.factories import submit
from gongzhi.integrations.models import Open311Submission

from .factories import api_key

pytestmark = pytest.mark.django_db

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture
def key():
    return api_key()


def xml_of(response, root: str) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ET.fromstring(response.content)  # well-formed, or this raises
    assert element.tag == root
    return element


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def post(client, fmt="json", **fields):
    return client.post(f"/open311/v2/requests.{fmt}", fields)


def file_one(client, raw, w, **extra):
    fields = {"api_key": raw, "service_code": "shared-bikes", "address_id": w.building_a.code,
              "description": "单元门口堆了很多共享单车", **extra}
    response = post(client, **fields)
    assert response.status_code == 201, response.content
    return response


# ---------------------------------------------------------------------------------------------
# Discovery and services


def test_discovery_in_both_formats(client):
    root = xml_of(client.get("/open311/v2/discovery.xml"), "discovery")
    assert [e.tag for e in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url").endswith("/open311/v2")
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]

    data = json_of(client.get("/open311/v2/discovery.json"))
    assert isinstance(data, dict) and isinstance(data["endpoints"], list)
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_are_the_catalogue_leaves(client):
    root = xml_of(client.get("/open311/v2/services.xml"), "services")
    services = root.findall("service")
    codes = [s.findtext("service_code") for s in services]
    assert "shared-bikes" in codes and "city" not in codes  # leaves, not groups
    bikes = services[codes.index("shared-bikes")]
    assert [e.tag for e in bikes] == ["service_code", "service_name", "description", "metadata", "type",
                                     "keywords", "group"]
    assert bikes.findtext("metadata") == "true"
    assert bikes.findtext("type") == "realtime"
    assert bikes.findtext("group") == "城市管理"
    assert services[codes.index("street-vending")].findtext("metadata") == "false"

    data = json_of(client.get("/open311/v2/services.json", {"jurisdiction_id": ""}))
    assert isinstance(data, list)
    entry = next(s for s in data if s["service_code"] == "shared-bikes")
    assert entry["metadata"] is True and entry["service_name"] == "共享单车乱停乱放"


def test_a_service_definition_lists_the_intake_questions(client):
    root = xml_of(client.get("/open311/v2/services/shared-bikes.xml"), "service_definition")
    assert root.findtext("service_code") == "shared-bikes"
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["brand", "count"]
    brand = attributes[0]
    assert [e.tag for e in brand] == ["variable", "code", "datatype", "required", "datatype_description", "order",
                                     "description", "values"]
    assert brand.findtext("variable") == "true"
    assert brand.findtext("datatype") == "singlevaluelist"
    assert brand.findtext("order") == "1"
    assert [(v.findtext("key"), v.findtext("name")) for v in brand.findall("values/value")][0] == ("meituan", "美团")
    assert attributes[1].findtext("datatype") == "number" and attributes[1].find("values") is None

    data = json_of(client.get("/open311/v2/services/shared-bikes.json"))
    assert isinstance(data, dict) and data["service_code"] == "shared-bikes"
    assert data["attributes"][0]["values"][0] == {"key": "meituan", "name": "美团"}
    assert data["attributes"][1]["order"] == 2 and data["attributes"][1]["required"] is False


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_service_is_404_in_the_spec_error_format(client, fmt):
    response = client.get(f"/open311/v2/services/no-such-thing.{fmt}")
    assert response.status_code == 404
    if fmt == "xml":
        root = xml_of(response, "errors")
        assert root.find("error/code").text == "404"
        assert "no-such-thing" in root.findtext("error/description")
    else:
        assert json_of(response)[0]["code"] == 404


# ---------------------------------------------------------------------------------------------
# Filing


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_filing_answers_the_id_and_notice(client, w, key, fmt):
    key_, raw = key
    response = post(client, fmt, api_key=raw, service_code="shared-bikes", address_id=w.building_a.code,
                    description="门口单车堆积", account_id="acc-7", **{"attribute[brand]": "meituan"})
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    if fmt == "xml":
        root = xml_of(response, "service_requests")
        request = root.find("request")
        assert [e.tag for e in request] == ["service_request_id", "service_notice", "account_id"]
        assert request.findtext("service_request_id") == case.reference
        assert request.find("token") is None  # realtime: never a token with an id
    else:
        data = json_of(response)
        assert isinstance(data, list) and len(data) == 1
        assert data[0]["service_request_id"] == case.reference
        assert data[0]["account_id"] == "acc-7"
        assert "工作日" in data[0]["service_notice"] or "working" in data[0]["service_notice"]
    assert case.channel == Channel.ONLINE
    assert case.answers == {"brand": "meituan"}


def test_a_filed_request_enters_the_pipeline_like_any_other(client, w, key):
    _key, raw = key
    file_one(client, raw, w, first_name="三", last_name="张", phone="13812345678", email="zs@example.cn",
             **{"attribute[brand]": "hellobike", "attribute[count]": "20"})
    case = Case.objects.get()
    # Given a request filed through Open311, then the community's triage inbox has it,
    assert list(case_selectors.inbox(user=w.cstaff, box="triage")) == [case]
    # the requester is recorded for the handlers (phone encrypted), and the history names the key.
    assert case.caller_name == "张三" and case.caller_phone == "13812345678"
    assert case.events.get().actor_label == "apikey:311-app"
    submission = Open311Submission.objects.get()
    assert submission.email == "zs@example.cn" and submission.api_key.name == "311-app"


def test_multi_value_attributes_and_coordinates(client, w, key):
    _key, raw = key
    AreaNode.objects.filter(pk=w.building_b.pk).update(latitude="36.061000", longitude="103.834000")
    case_services.category_save(
        actor=_system(),
        category=_category("debris"),
        questions=[{"code": "kinds", "label": "杂物种类", "datatype": "multivaluelist",
                    "values": [{"key": "boxes", "name": "纸箱"}, {"key": "bikes", "name": "旧自行车"}]}],
    )
    response = client.post("/open311/v2/requests.json", {
        "api_key": raw, "service_code": "debris", "lat": "36.0611", "long": "103.8341",
        "description": "楼道堆满杂物", "attribute[kinds][]": ["boxes", "bikes"],
    })
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.location == w.building_b
    assert case.answers == {"kinds": ["boxes", "bikes"]}


def _system():
    from gongzhi.core.actors import SystemActor

    return SystemActor(label="test")


def _category(code):
    from gongzhi.cases.models import Category

    return Category.objects.get(code=code)


@pytest.mark.parametrize(
    "fields, status, words",
    [
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "nope"}, 404, "nope"),
        ({"address_id": ""}, 400, "lat"),
        ({"address_id": "999999999"}, 400, "address_id"),
        ({"description": "长" * 4001}, 400, "4,000"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"media_url": "ftp://x"}, 400, "media_url"),
        ({"attribute[brand]": "tesla"}, 400, "attribute[brand]"),
        ({"attribute[nope]": "1"}, 400, "attribute[nope]"),
        ({"channel": "hotline"}, 403, "hotline"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_filing_errors(client, w, key, fields, status, words, fmt):
    _key, raw = key
    values = {"api_key": raw, "service_code": "shared-bikes", "address_id": w.building_a.code, "description": "x"}
    values.update(fields)
    response = post(client, fmt, **values)
    assert response.status_code == status, response.content
    if fmt == "xml":
        root = xml_of(response, "errors")
        assert root.findtext("error/code") == str(status)
        assert words in root.findtext("error/description")
    else:
        errors = json_of(response)
        assert isinstance(errors, list) and errors[0]["code"] == status
        assert words in errors[0]["description"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_filing_without_or_with_a_bad_key_is_403(client, w, fmt):
    for key in ({}, {"api_key": "gzk_not-a-key"}):
        response = post(client, fmt, service_code="shared-bikes", address_id=w.building_a.code, **key)
        assert response.status_code == 403
        if fmt == "xml":
            assert xml_of(response, "errors").findtext("error/code") == "403"
        else:
            assert json_of(response)[0]["code"] == 403
    assert not Case.objects.exists()


def test_address_string_names_a_building(client, w, key):
    _key, raw = key
    response = post(client, api_key=raw, service_code="street-vending", address_string="瓜州路 B1号楼 北侧")
    assert response.status_code == 201, response.content
    assert Case.objects.get().location == w.building_b


# ---------------------------------------------------------------------------------------------
# Reading


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_filed_request_reads_back_with_every_field(client, w, key, fmt):
    _key, raw = key
    file_one(client, raw, w, first_name="三", last_name="张", phone="13812345678", email="zs@example.cn",
             media_url="https://img.example.cn/1.jpg",
             description="电话13812345678，单元门口堆满单车")
    case = Case.objects.get()
    response = client.get(f"/open311/v2/requests/{case.reference}.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        root = xml_of(response, "service_requests")
        requests = root.findall("request")
        assert len(requests) == 1
        item = {e.tag: (e.text or "") for e in requests[0]}
        assert list(item) == ["service_request_id", "status", "status_notes", "service_name", "service_code",
                              "description", "agency_responsible", "service_notice", "requested_datetime",
                              "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
                              "long", "media_url"]
    else:
        data = json_of(response)
        assert isinstance(data, list) and len(data) == 1
        item = data[0]
    assert item["service_request_id"] == case.reference
    assert item["status"] == "open"
    assert item["service_code"] == "shared-bikes" and item["service_name"] == "共享单车乱停乱放"
    assert item["agency_responsible"] == w.community.name
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(item[field]), item[field]
    assert item["requested_datetime"].endswith("+08:00")
    assert item["expected_datetime"].startswith(case.handling_due.astimezone().strftime("%Y-%m-%d")[:4])
    assert item["address_id"] == w.building_a.code
    assert item["address"].startswith(w.building_a.name)
    assert item["media_url"] == "https://img.example.cn/1.jpg"
    # No personal data: names, phones, e-mails are not there, and numbers in the text are masked.
    text = response.content.decode()
    for secret in ("张三", "13812345678", "zs@example.cn", "acc-"):
        assert secret not in text
    assert "138****5678" in item["description"]


def test_the_request_located_at_a_household_shows_only_its_building(client, w, key):
    _key, raw = key
    file_one(client, raw, w, address_id=w.household_a.code)
    item = client.get("/open311/v2/requests.json").json()[0]
    assert item["address_id"] == w.building_a.code
    assert w.household_a.name not in item["address"] and w.unit_a.name not in item["address"]


def test_progress_shows_back_through_open311_and_the_ninja_api(client, w, key):
    _key, raw = key
    file_one(client, raw, w)
    case = Case.objects.get()
    case_services.case_accept(actor=w.cstaff, case=case)
    case = case_services.case_dispatch(actor=w.cstaff, case=case)
    case = case_services.case_claim(actor=w.worker_a, case=case)
    case_services.case_record_contact(actor=w.worker_a, case=case, method="phone", note="已联系")
    case_services.case_resolve(actor=w.worker_a, case=case, result="solved", feedback="已清理，单车已移走")

    item = client.get(f"/open311/v2/requests/{case.reference}.json").json()[0]
    assert item["status"] == "closed"
    assert item["status_notes"] == "已清理，单车已移走"
    assert item["agency_responsible"] == w.grid_a.name

    client.login(username=w.cstaff.username, password=PASSWORD)
    detail = client.get(f"/api/cases/{case.pk}").json()
    assert detail["channel"] == Channel.ONLINE
    assert detail["feedback"] == "已清理，单车已移走"
    assert detail["timeline"][0]["actor"] == "apikey:311-app"


def test_requests_query_filters(client, w, key):
    _key, raw = key
    file_one(client, raw, w)
    file_one(client, raw, w, service_code="street-vending")
    first, second = Case.objects.order_by("id")
    case_services.case_reject(actor=w.cstaff, case=second, reason="重复反映")

    def ids(**params):
        response = client.get("/open311/v2/requests.json", params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [second.reference, first.reference]
    assert ids(service_code="street-vending") == [second.reference]
    assert ids(status="open") == [first.reference]
    assert ids(status="closed") == [second.reference]
    assert ids(status="open,closed") == [second.reference, first.reference]
    assert ids(start_date="2001-01-01T00:00:00Z", end_date="2001-02-01T00:00:00Z") == []
    # service_request_id overrides the rest (here, a date range that would exclude it).
    assert ids(service_request_id=f"{first.reference},GZ000", start_date="2001-01-01T00:00:00Z") == [first.reference]
    rejected = client.get(f"/open311/v2/requests/{second.reference}.json").json()[0]
    assert rejected["status"] == "closed" and rejected["status_notes"] == "重复反映"


@pytest.mark.parametrize(
    "params, words",
    [
        ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"}, "90"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"status": "pending"}, "status"),
        ({"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}, "end_date"),
    ],
)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_requests_query_errors(client, params, words, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}", params)
    assert response.status_code == 400
    if fmt == "xml":
        assert words in xml_of(response, "errors").findtext("error/description")
    else:
        assert words in json_of(response)[0]["description"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unknown_request_is_404(client, fmt):
    for reference in ("GZ202611220000001", "nonsense"):
        response = client.get(f"/open311/v2/requests/{reference}.{fmt}")
        assert response.status_code == 404
        if fmt == "xml":
            assert xml_of(response, "errors").findtext("error/code") == "404"
        else:
            assert json_of(response)[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_requests_list_is_an_array_even_when_empty(client, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}")
    if fmt == "xml":
        assert list(xml_of(response, "service_requests")) == []
    else:
        assert json_of(response) == []


def test_private_requests_of_other_channels_are_not_published(client, w, key):
    # Given a resident's own web request and a dispute, neither filed through Open311,
    submit(w)
    submit(w, "neighbour-dispute", channel=Channel.ONLINE)
    # when Open311 is read, then neither shows.
    assert client.get("/open311/v2/requests.json").json() == []


def test_a_key_limited_to_an_area_files_and_sees_only_there(client, w):
    _wide, wide_raw = api_key("wide")
    _a, a_raw = api_key("grid-a-app", area=w.grid_a)
    file_one(client, wide_raw, w, address_id=w.building_b.code)
    # A key of grid A may not file in grid B,
    refused = post(client, api_key=a_raw, service_code="shared-bikes", address_id=w.building_b.code)
    assert refused.status_code == 403
    file_one(client, a_raw, w, address_id=w.building_a.code)
    in_b, in_a = Case.objects.order_by("id")
    # and reading with it shows grid A's requests only (by list, by id, by token).
    listed = client.get("/open311/v2/requests.json", {"api_key": a_raw}).json()
    assert [r["service_request_id"] for r in listed] == [in_a.reference]
    assert client.get(f"/open311/v2/requests/{in_b.reference}.json", {"api_key": a_raw}).status_code == 404
    token_b = in_b.open311_submission.token
    assert client.get(f"/open311/v2/tokens/{token_b}.json", {"api_key": a_raw}).status_code == 404


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_tokens_resolve_to_the_request(client, w, key, fmt):
    _key, raw = key
    file_one(client, raw, w)
    submission = Open311Submission.objects.get()
    response = client.get(f"/open311/v2/tokens/{submission.token}.{fmt}")
    assert response.status_code == 200
    if fmt == "xml":
        request = xml_of(response, "service_requests").find("request")
        assert request.findtext("service_request_id") == submission.case.reference
        assert request.findtext("token") == submission.token
    else:
        assert json_of(response) == [{"service_request_id": submission.case.reference, "token": submission.token}]
    missing = client.get(f"/open311/v2/tokens/0000.{fmt}")
    assert missing.status_code == 404


def test_jurisdiction_id_is_accepted_and_checked(client, w, key):
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": w.district.code}).status_code == 200
    response = client.get("/open311/v2/services.xml", {"jurisdiction_id": "elsewhere.gov"})
    assert response.status_code == 404
    assert "jurisdiction_id" in xml_of(response, "errors").findtext("error/description")


def test_unknown_resources_and_methods(client):
    assert client.get("/open311/v2/nothing.xml").status_code == 404
    xml_of(client.get("/open311/v2/nothing.xml"), "errors")
    response = client.delete("/open311/v2/requests.json")
    assert response.status_code == 405 and json_of(response)[0]["code"] == 405


def test_reads_can_require_a_key(client, settings, key):
    settings.INTEGRATIONS_OPEN311_PUBLIC_READS = False
    _key, raw = key
    assert client.get("/open311/v2/requests.json").status_code == 403
    assert client.get("/open311/v2/requests.json", {"api_key": raw}).status_code == 200


def test_a_camera_case_is_public_but_a_household_request_is_not(client, w):
    submit(w, channel=Channel.CAMERA, actor=w.cstaff)
    items = client.get("/open311/v2/requests.json").json()
    assert len(items) == 1 and items[0]["status"] == "open"
    assert State.SUBMITTED  # the pipeline's own state stays internal


def test_jurisdiction_narrows_filing(client, w, key):
    from gongzhi.areas.tests.factories import district

    _key, raw = key
    elsewhere = district(name="城关区")
    response = post(client, api_key=raw, service_code="shared-bikes", address_id=w.building_a.code,
                    jurisdiction_id=elsewhere.code)
    assert response.status_code == 400 and "jurisdiction_id" in response.json()[0]["description"]
    assert file_one(client, raw, w, jurisdiction_id=w.district.code).status_code == 201
    assert client.get("/open311/v2/requests.json", {"jurisdiction_id": elsewhere.code}).json() == []
    assert len(client.get("/open311/v2/requests.json", {"jurisdiction_id": w.district.code}).json()) == 1


def test_xml_stays_well_formed_with_control_characters(client, w, key):
    _key, raw = key
    file_one(client, raw, w, description="门口\x01单车 <堆积> & \"乱停\"")
    root = xml_of(client.get("/open311/v2/requests.xml"), "service_requests")
    assert root.findtext("request/description") == "门口单车 <堆积> & \"乱停\""


def test_a_department_case_names_the_department(client, w, key):
    _key, raw = key
    file_one(client, raw, w, service_code="price-fraud")
    case = Case.objects.get()
    case_services.case_accept(actor=w.cstaff, case=case)
    case_services.case_dispatch(actor=w.cstaff, case=case)
    item = client.get(f"/open311/v2/requests/{case.reference}.json").json()[0]
    assert item["agency_responsible"] == w.departments["scjg"].name


def test_a_server_fault_is_answered_in_the_spec_format(client, monkeypatch):
    from gongzhi.integrations import selectors

    def broken():
        raise RuntimeError("database gone")

    monkeypatch.setattr(selectors, "services", broken)
    response = client.get("/open311/v2/services.xml")
    assert response.status_code == 500
    assert xml_of(response, "errors").findtext("error/code") == "500"

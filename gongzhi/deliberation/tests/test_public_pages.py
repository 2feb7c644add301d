"""The community's public page and a resolution's own public page: no login, only published
resolutions, the vote figures and progress shown, nothing personal, few queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.deliberation.services import resolutions, supervision
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100"
    "c9fe92ef0000000049454e44ae426082"
)


def _published(w):
    resolution = f.resolved_topic(w).resolution
    officer = user(Role.COMMUNITY_STAFF, nodes=[w.community], display_name="张晓梅")
    resolutions.owner_add(actor=w.cstaff, resolution=resolution, owner=officer)
    owner = resolutions.owner_add(actor=w.cstaff, resolution=resolution, owner="瓜州物业公司")
    resolutions.resolution_plan(actor=w.cstaff, resolution=resolution, budget_fen=1_280_000, deadline=None)
    resolutions.spending_record(actor=w.cstaff, resolution=resolution, amount_fen=650_050, spent_on=None,
                                purpose="空调采购")
    resolutions.progress_report(actor=w.cstaff, resolution=resolution, text="空调已到货，联系人13912345678",
                                progress=60, photos=[SimpleUploadedFile("现场.png", PNG)])
    supervision.rectification_raise(actor=w.supervisor, resolution=resolution, problem="外机缺少防护罩",
                                     owner=owner, deadline=timezone.localdate(resolution.created_at))
    return resolution


def test_anyone_reads_the_community_page_with_the_vote_and_progress_and_nothing_personal():
    # given a published resolution carried out by a staff member and a company
    w = f.world()
    resolution = _published(w)
    unpublished = f.resolved_topic(w, title="增设非机动车棚", publish=False).resolution
    # when someone without an account opens the community's page
    page = Client().get(f"/deliberation/public/{w.community.code}/")
    # then the resolution is there with its progress, spending and vote figures
    text = page.content.decode()
    assert page.status_code == 200
    assert "加装电梯机房空调" in text and "60%" in text and "6,500.50" in text and "12,800.00" in text
    assert "30" in text and "35" in text
    # and neither the unpublished resolution nor the staff member's name
    assert unpublished.topic.title not in text
    assert "张晓梅" not in text and "瓜州物业公司" in text
    # and a resolution's own page shows the figures, the seal, the photo and the rectification, phone masked
    detail = Client().get(f"/deliberation/public/resolutions/{resolution.pk}/")
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "ab" * 32 in body and "外机缺少防护罩" in body and "139****5678" in body and "13912345678" not in body
    assert "张晓梅" not in body
    photo = resolution.updates.get().photos.get()
    assert Client().get(f"/deliberation/public/photos/{photo.pk}/").status_code == 200
    assert Client().get(f"/deliberation/public/resolutions/{unpublished.pk}/").status_code == 404
    pdf = Client().get(f"/deliberation/public/resolutions/{resolution.pk}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_community_page_uses_few_queries_however_many_resolutions():
    w = f.world()
    for title in ("加装电梯机房空调", "增设非机动车棚", "电动车充电设施"):
        resolution = f.resolved_topic(w, title=title).resolution
        resolutions.owner_add(actor=w.cstaff, resolution=resolution, owner="瓜州物业公司")
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/deliberation/public/{w.community.code}/").status_code == 200
    assert len(queries) <= 6


def test_an_unknown_community_is_404():
    assert Client().get("/deliberation/public/000000/").status_code == 404

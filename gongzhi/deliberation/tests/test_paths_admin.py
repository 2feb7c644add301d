"""The district declares its paths (steps inline) and proposal rules in the admin, as data:
scoped to its district (outside is 404), written through the services (audited)."""

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.core.models import AuditEvent
from gongzhi.deliberation.models import Path, ProposalRule, ScopeKind
from gongzhi.deliberation.tests import factories as f

pytestmark = pytest.mark.django_db


def _steps(path, changes=None):
    rows = list(path.steps.order_by("position"))
    data = {"steps-TOTAL_FORMS": str(len(rows)), "steps-INITIAL_FORMS": str(len(rows)),
            "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}
    for n, step in enumerate(rows):
        values = {"id": step.pk, "path": path.pk, "position": step.position, "name": step.name, "actor": step.actor,
                  "output": step.output, "time_limit_days": step.time_limit_days, "instructions": step.instructions}
        if step.may_send_back:
            values["may_send_back"] = "on"
        if step.may_drop:
            values["may_drop"] = "on"
        values.update((changes or {}).get(n, {}))
        data.update({f"steps-{n}-{k}": v for k, v in values.items()})
    return data


def _path_form(path, **extra):
    data = {"district": path.district_id, "key": path.key, "name": path.name, "description": path.description,
            "scope_kinds": path.scope_kinds, "is_active": "on"}
    if path.is_default:
        data["is_default"] = "on"
    data.update(extra)
    return data


def test_the_district_changes_a_step_time_limit_in_the_admin_and_it_is_audited(client):
    w = f.world()
    admin = user(Role.DISTRICT_ADMIN, nodes=[w.district])
    path = f.path(w, "building")
    client.force_login(admin)
    assert "楼院协商" in client.get("/admin/deliberation/path/").content.decode()
    response = client.post(f"/admin/deliberation/path/{path.pk}/change/",
                           {**_path_form(path), **_steps(path, {1: {"time_limit_days": 20}})})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert path.steps.get(position=2).time_limit_days == 20
    event = AuditEvent.objects.get(action="deliberation.path.steps", object_id=str(path.pk))
    assert event.actor == admin


def test_an_unknown_scope_and_two_steps_at_one_position_are_refused(client):
    w = f.world()
    admin = user(Role.DISTRICT_ADMIN, nodes=[w.district])
    path = f.path(w, "estate")
    client.force_login(admin)
    wrong = client.post(f"/admin/deliberation/path/{path.pk}/change/",
                        {**_path_form(path, scope_kinds="estate,planet"), **_steps(path)})
    assert wrong.status_code == 200 and "scope_kinds" in wrong.context["adminform"].form.errors
    twice = client.post(f"/admin/deliberation/path/{path.pk}/change/",
                        {**_path_form(path), **_steps(path, {1: {"position": 1}})})
    assert twice.status_code == 200
    assert sorted(path.steps.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_a_district_admin_sees_only_the_paths_and_rules_of_their_district(client):
    w, other = f.world(), f.world()
    admin = user(Role.DISTRICT_ADMIN, nodes=[w.district])
    client.force_login(admin)
    far = f.path(other)
    assert client.get(f"/admin/deliberation/path/{far.pk}/change/").status_code == 404
    far_rule = ProposalRule.objects.get(district=other.district, scope_kind=ScopeKind.BUILDING)
    assert client.get(f"/admin/deliberation/proposalrule/{far_rule.pk}/change/").status_code == 404
    rule = ProposalRule.objects.get(district=w.district, scope_kind=ScopeKind.BUILDING)
    response = client.post(f"/admin/deliberation/proposalrule/{rule.pk}/change/", {
        "district": w.district.pk, "scope_kind": "building", "signatures_needed": 8, "collect_days": 20})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.signatures_needed == 8
    assert AuditEvent.objects.filter(action="deliberation.proposal_rule.save", object_id=str(rule.pk)).exists()
    # a community's staff do not declare paths
    client.force_login(user(Role.COMMUNITY_STAFF, nodes=[w.community]))
    assert client.get("/admin/deliberation/path/").status_code == 403
    assert Path.objects.filter(district=w.district).count() == 3

"""Teams: levels (corps → street → community → squad), a parent of a higher level whose area
covers the child's, members and leaders; the team tree page; outside the scope is 404."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.roles import Role
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.residents.tests import factories as residents
from gongzhi.volunteers.models import TeamKind, TeamLevel, TeamMember
from gongzhi.volunteers.services import teams as services
from gongzhi.volunteers.tests import factories

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def w():
    nodes = residents.tree()
    nodes["admin"] = residents.user(Role.DISTRICT_ADMIN, nodes=[nodes["district"]])
    nodes["staff"] = residents.user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    nodes["other"] = residents.tree()
    return nodes


def test_the_four_levels_hang_in_order(w):
    corps = services.team_create(actor=w["admin"], name="区志愿服务总队", level=TeamLevel.CORPS, area=w["district"])
    street = services.team_create(actor=w["admin"], name="西站街道志愿服务大队", level=TeamLevel.STREET, area=w["street"],
                                  parent=corps)
    community = services.team_create(actor=w["staff"], name="瓜州路社区志愿服务队", level=TeamLevel.COMMUNITY,
                                     area=w["community"], parent=street)
    squad = services.team_create(actor=w["staff"], name="书画队", level=TeamLevel.SQUAD, area=w["grid_a"],
                                 parent=community)
    alliance = services.team_create(actor=w["staff"], name="青少年志愿服务联盟", level=TeamLevel.COMMUNITY,
                                    kind=TeamKind.ALLIANCE, area=w["community"], parent=street)
    assert squad.parent.parent.parent == corps and alliance.kind == TeamKind.ALLIANCE


@pytest.mark.parametrize("case", ["same_level", "lower_parent", "outside_area", "wrong_area_kind", "empty_name"])
def test_level_rules(w, case):
    street = services.team_create(actor=w["admin"], name="街道大队", level=TeamLevel.STREET, area=w["street"])
    community = services.team_create(actor=w["staff"], name="社区队", level=TeamLevel.COMMUNITY, area=w["community"],
                                     parent=street)
    squad = factories.team(w["grid_a"], level=TeamLevel.SQUAD, parent=community)
    other_street = factories.team(w["other"]["street"], level=TeamLevel.STREET)
    data = {"name": "新队", "level": TeamLevel.SQUAD, "area": w["grid_b"], "parent": community}
    expected_field = "parent"
    if case == "same_level":
        data.update(level=TeamLevel.COMMUNITY, area=w["community"])
    elif case == "lower_parent":
        data["parent"] = squad
    elif case == "outside_area":
        data.update(level=TeamLevel.COMMUNITY, area=w["community"], parent=other_street)
    elif case == "wrong_area_kind":
        data.update(level=TeamLevel.CORPS, area=w["community"], parent=None)
        expected_field = "area"
    else:
        data["name"] = "  "
        expected_field = "name"
    with pytest.raises(InvalidInput) as refused:
        services.team_create(actor=w["admin"], **data)
    assert expected_field in refused.value.fields


def test_the_same_name_twice_in_an_area_is_refused(w):
    services.team_create(actor=w["staff"], name="曲艺队", level=TeamLevel.SQUAD, area=w["community"])
    with pytest.raises(InvalidInput) as refused:
        services.team_create(actor=w["staff"], name="曲艺队", level=TeamLevel.SQUAD, area=w["community"])
    assert "name" in refused.value.fields


def test_staff_of_another_area_may_not(w):
    with pytest.raises(Forbidden):
        services.team_create(actor=w["staff"], name="外队", level=TeamLevel.SQUAD, area=w["other"]["community"])


def test_members_and_leaders(w):
    team = services.team_create(actor=w["staff"], name="乒乓球队", level=TeamLevel.SQUAD, area=w["community"])
    v = factories.volunteer(w["household_a"])
    outsider = factories.volunteer(w["other"]["household_a"])
    member = services.team_member_add(actor=w["staff"], team=team, volunteer=v)
    with pytest.raises(InvalidInput):
        services.team_member_add(actor=w["staff"], team=team, volunteer=v)
    with pytest.raises(InvalidInput):
        services.team_member_add(actor=w["staff"], team=team, volunteer=outsider)
    services.team_leader_set(actor=w["staff"], member=member, is_leader=True)
    assert TeamMember.objects.get().is_leader
    services.team_member_remove(actor=w["staff"], member=member)
    assert not TeamMember.objects.exists()


def test_pages_and_api(w):
    corps = services.team_create(actor=w["admin"], name="区志愿服务总队", level=TeamLevel.CORPS, area=w["district"])
    theirs = factories.team(w["other"]["community"], name="外区队")
    client = Client()
    client.force_login(w["admin"])
    tree = client.get(reverse("volunteers:team-tree"))
    assert tree.status_code == 200 and "区志愿服务总队" in tree.content.decode() and "外区队" not in tree.content.decode()
    assert client.get(reverse("volunteers:team", args=[corps.pk])).status_code == 200
    assert client.get(reverse("volunteers:team", args=[theirs.pk])).status_code == 404
    assert client.get(f"/api/volunteers/teams/{theirs.pk}").status_code == 404
    made = client.post("/api/volunteers/teams", {"name": "街道大队", "level": "street", "area_id": w["street"].pk,
                                                 "parent_id": corps.pk}, content_type=JSON)
    assert made.status_code == 201, made.content
    bad = client.post("/api/volunteers/teams", {"name": "错队", "level": "corps", "area_id": w["street"].pk,
                                                "parent_id": made.json()["id"]}, content_type=JSON)
    assert bad.status_code == 400
    v = factories.volunteer(w["household_a"])
    added = client.post(f"/api/volunteers/teams/{made.json()['id']}/members", {"volunteer_id": v.pk, "is_leader": True},
                        content_type=JSON)
    assert added.status_code == 201 and added.json()["is_leader"]
    form = client.post(reverse("volunteers:team-create"), {"name": "社区队", "level": "community", "kind": "team",
                                                            "area": w["community"].pk, "parent": made.json()["id"]})
    assert form.status_code == 302
    refused = client.post(reverse("volunteers:team-create"), {"name": "小队", "level": "squad", "kind": "team",
                                                               "area": w["grid_a"].pk, "parent": ""})
    assert refused.status_code == 302  # a squad without a parent is allowed
    wrong = client.post(reverse("volunteers:team-create"), {"name": "错", "level": "corps", "kind": "team",
                                                             "area": w["grid_a"].pk})
    assert wrong.status_code == 400 and wrong.context["form"].errors["area"]

import pytest

from gongzhi.accounts.tests.factories import user

from .factories import party_tree


@pytest.fixture
def pt(db):
    """The party tree over two communities (see factories.party_tree)."""
    return party_tree()


@pytest.fixture
def users(pt):
    return {
        "grid_a": user("grid_worker", nodes=[pt["grid_a"]]),
        "community": user("community_staff", nodes=[pt["community"]]),
        "other_community": user("community_staff", nodes=[pt["other_community"]]),
        "street": user("street_staff", nodes=[pt["street"]]),
        "district": user("district_admin", nodes=[pt["district"]]),
        "resident": user("resident"),
    }

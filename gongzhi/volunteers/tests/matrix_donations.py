"""Matrix objects of the volunteers' donations pages and API: a campaign of each district's
community with one donation (the community's staff and those above see district 1's)."""

from django.utils import timezone

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.volunteers.models import Campaign, CampaignKind, Donation


def objects(world: World) -> dict[str, Param]:
    made = {}
    for key, nodes in (("in", world.d1), ("out", world.d2)):
        campaign = Campaign.objects.create(name="每天一元", kind=CampaignKind.DAILY_YUAN, area=nodes["community"],
                                           starts_on=timezone.localdate())
        donation = Donation.objects.create(campaign=campaign, donor="张三", amount_fen=3000,
                                           received_on=timezone.localdate(), receipt_number=f"JZTEST{key}{campaign.pk}")
        made[key] = (campaign, donation)
    seen = AREA_ROLES - {Role.GRID_WORKER}
    return {
        "campaign_id": Param(inside=made["in"][0].pk, outside=made["out"][0].pk, seen_by=seen),
        "donation_id": Param(inside=made["in"][1].pk, outside=made["out"][1].pk, seen_by=seen),
    }

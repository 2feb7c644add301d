"""Publication (决议结果公示): what a resolution's notice says — the topic, the resolution, the
vote's figures (in favour, against, abstaining, attending, electorate, the result and the seal of
the ballots), the community and when — as plain data, for the printable notice (`pdf.py`), the
community's public page, and whatever fills the `deliberation.publish` extension point (the
disclosure programme's 事务 item; `steps._publish` calls it). Nothing personal is in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode

from ..models import Resolution


@dataclass(frozen=True)
class VoteFigures:
    method: str
    yes: int
    no: int
    abstain: int
    attending: int
    electorate: int
    result: str
    result_code: str
    sealed_hash: str
    closed_at: dt.datetime | None
    meeting_title: str


@dataclass(frozen=True)
class Notice:
    resolution_id: int
    community: str
    topic_title: str
    scope: str
    text: str
    resolved_at: dt.datetime | None
    published_at: dt.datetime | None
    vote: VoteFigures | None
    budget_fen: int


def community_of(node: AreaNode) -> AreaNode | None:
    """The community a node lies in (itself when it is one)."""
    if node.kind == AreaKind.COMMUNITY:
        return node
    return AreaNode.objects.filter(kind=AreaKind.COMMUNITY, path__in=[
        node.path[:i] for i in range(AreaNode.steplen, len(node.path), AreaNode.steplen)]).first()


def vote_figures(resolution: Resolution) -> VoteFigures | None:
    vote = resolution.vote
    if vote is None:
        return None
    return VoteFigures(
        method=str(vote.get_method_display()), yes=vote.yes_count, no=vote.no_count, abstain=vote.abstain_count,
        attending=vote.attending_count, electorate=vote.electorate_count, result=str(vote.get_result_display()),
        result_code=vote.result, sealed_hash=vote.sealed_hash, closed_at=vote.closed_at,
        meeting_title=vote.meeting.title if vote.meeting_id else "",
    )


def notice(resolution: Resolution) -> Notice:
    """The notice of a resolution (read by whoever already may see it)."""
    topic = resolution.topic
    community = community_of(topic.area)
    scope = topic.estate.name if topic.estate_id else topic.area.name
    return Notice(
        resolution_id=resolution.pk, community=community.name if community else topic.area.name,
        topic_title=topic.title, scope=scope, text=resolution.text, resolved_at=topic.resolved_at or resolution.created_at,
        published_at=resolution.published_at, vote=vote_figures(resolution), budget_fen=resolution.budget_fen,
    )


def notice_filename(resolution: Resolution) -> str:
    day = timezone.localdate(resolution.published_at) if resolution.published_at else timezone.localdate()
    return f"resolution-{resolution.pk}-{day.isoformat()}.pdf"


def publish_as_disclosure(*, actor, resolution: Resolution) -> str:
    """决议结果公示 as a 事务 item of the community's open books (the disclosure programme), with the
    result and the vote figures, published at once (a 重大事项, due one working day after the vote's
    close). Idempotent per topic: publishing again returns the same item. Returns "disclosure:<id>"."""
    from gongzhi.disclosure.models import ItemKind, Timing
    from gongzhi.disclosure.services.items import publish_from_programme

    data = notice(resolution)
    community = community_of(resolution.topic.area)
    lines = [
        _("Topic: %(title)s (%(scope)s)") % {"title": data.topic_title, "scope": data.scope},
        _("Resolution: %(text)s") % {"text": data.text},
    ]
    if data.vote is not None:
        lines.append(
            _("Vote (%(method)s): in favour %(yes)d, against %(no)d, abstaining %(abstain)d; %(attending)d attending "
              "of %(electorate)d. Result: %(result)s. Seal: %(seal)s") % {
                "method": data.vote.method, "yes": data.vote.yes, "no": data.vote.no, "abstain": data.vote.abstain,
                "attending": data.vote.attending, "electorate": data.vote.electorate, "result": data.vote.result,
                "seal": data.vote.sealed_hash[:16]})
    item = publish_from_programme(
        actor=actor, community=community, kind=ItemKind.AFFAIRS, timing=Timing.MAJOR,
        title=_("Result of the deliberation: %(title)s") % {"title": data.topic_title}, body="\n".join(lines),
        reference=f"topic:{resolution.topic_id}",
        trigger_at=data.vote.closed_at if data.vote is not None and data.vote.closed_at else None,
    )
    return f"disclosure:{item.pk}"

"""The path engine: a topic goes through the steps of its declared path one at a time.

`topic_open` puts a topic on the first step of its path; `step_complete` finishes the current step
once it has produced what the path says it must (a proposal text, a meeting held with minutes, a
passed vote, a consultation of the affected households, the committee's opinion, the publication)
and starts the next one, or resolves the topic after the last; `step_send_back` returns the topic to
the step before (where the path allows it) with the reason; `topic_drop` ends it with the reason.
There is no way to jump: the only move forward is completing the step the topic is at.

Each step's row (`TopicStep`) is the timeline on the topic's page. Every move runs through
`core.workflow.apply_transition` with the topic row locked, and is audited there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import calendar
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.workflow import apply_transition
from gongzhi.meetings.models import Meeting, MeetingState
from gongzhi.votes.models import Vote, VoteResult, VoteState

from ..models import (
    PathStep,
    Resolution,
    StepOutput,
    StepState,
    Topic,
    TopicState,
    TopicStep,
)
from ..workflow import TOPIC_WORKFLOW


@dataclass
class StepOutcome:
    """What the current step produced, as the person completing it gives it."""

    outcome: str = ""  # the step's conclusion in words (a proposal's text, the committee's opinion)
    meeting: Meeting | None = None
    vote: Vote | None = None
    households_consulted: int | None = None
    households_in_favour: int | None = None
    households_against: int | None = None
    extra: dict = field(default_factory=dict)


def topic_url(topic: Topic) -> str:
    return f"/deliberation/topics/{topic.pk}/"


def _field(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def current_step(topic: Topic) -> TopicStep | None:
    return topic.steps.filter(state=StepState.CURRENT).select_related("path_step").first()


def _start(topic: Topic, path_step: PathStep, now) -> TopicStep:
    due = calendar.add_working_days(now, path_step.time_limit_days) if path_step.time_limit_days else None
    topic.step_position = path_step.position
    return TopicStep.objects.create(
        topic=topic, path_step=path_step, position=path_step.position, name=path_step.name,
        state=StepState.CURRENT, started_at=now, due_at=due,
    )


def _first_step(topic: Topic) -> PathStep:
    step = topic.path.steps.order_by("position").first()
    if step is None:
        raise Conflict(_("The path “%(path)s” has no steps.") % {"path": topic.path.name}, code="path_empty")
    return step


# --- what each kind of step must produce ------------------------------------------------------------


def _check_proposal(topic: Topic, given: StepOutcome) -> None:
    if not given.outcome.strip():
        raise _field("outcome", _("Write the proposal the step produces."))


def _check_meeting(topic: Topic, given: StepOutcome) -> None:
    meeting = given.meeting
    if meeting is None:
        raise _field("meeting", _("Choose the meeting that discussed the topic."))
    if meeting.state != MeetingState.HELD:
        raise _field("meeting", _("The meeting has not been held yet."))
    if not meeting.minutes.exists():
        raise _field("meeting", _("The meeting's minutes are not written yet."))
    if not topic.area.path.startswith(meeting.area.path) and not meeting.area.path.startswith(topic.area.path):
        raise _field("meeting", _("The meeting is not of this topic's area."))


def _check_vote(topic: Topic, given: StepOutcome) -> None:
    vote = given.vote
    if vote is None:
        raise _field("vote", _("Choose the vote on the topic."))
    if vote.reference != f"topic:{topic.pk}":
        raise _field("vote", _("This vote is not about this topic."))
    if vote.state != VoteState.CLOSED:
        raise _field("vote", _("The vote is not closed yet."))
    if vote.result != VoteResult.PASSED:
        raise _field(
            "vote",
            _("The vote did not pass (%(result)s): send the topic back or drop it.") % {"result": vote.get_result_display()},
        )


def _check_consultation(topic: Topic, given: StepOutcome) -> None:
    asked, yes, no = given.households_consulted, given.households_in_favour, given.households_against
    if not asked or asked <= 0:
        raise _field("households_consulted", _("Give how many affected households were consulted."))
    if yes is None or no is None or yes < 0 or no < 0:
        raise _field("households_in_favour", _("Give how many were in favour and how many against."))
    if yes + no > asked:
        raise _field("households_in_favour", _("More answers than households consulted."))


def _check_supervision(topic: Topic, given: StepOutcome) -> None:
    if not given.outcome.strip():
        raise _field("outcome", _("Write the committee's opinion."))


def _check_publication(topic: Topic, given: StepOutcome) -> None:
    resolution = Resolution.objects.filter(topic=topic).first()
    if resolution is None:
        raise Conflict(_("There is no resolution to publish."), code="no_resolution")


CHECKS: dict[str, Callable[[Topic, StepOutcome], None]] = {
    StepOutput.PROPOSAL: _check_proposal,
    StepOutput.MEETING: _check_meeting,
    StepOutput.VOTE: _check_vote,
    StepOutput.CONSULTATION: _check_consultation,
    StepOutput.SUPERVISION: _check_supervision,
    StepOutput.PUBLICATION: _check_publication,
}


def _resolution_for(topic: Topic, vote: Vote | None) -> Resolution:
    resolution = Resolution.objects.filter(topic=topic).first()
    if resolution is None:
        text = vote.question if vote is not None else topic.title
        resolution = Resolution.objects.create(topic=topic, vote=vote, text=text)
    return resolution


def _publish(actor: Actor, topic: Topic, step: TopicStep) -> None:
    """Publish the resolution: on the community's public page of resolutions, and as a 事务 item of
    the community's open books with the result and the vote figures (决议结果公示)."""
    from .publication import publish_as_disclosure

    resolution = _resolution_for(topic, step.vote)
    resolution.published_at = timezone.now()
    resolution.publication_reference = publish_as_disclosure(actor=actor, resolution=resolution)
    resolution.save(update_fields=["published_at", "publication_reference"])


# --- the moves ----------------------------------------------------------------------------------


def topic_open(*, actor: Actor, topic: Topic | int, note: str = "") -> Topic:
    """Put a proposal (or a topic raised by staff) on the first step of its path."""
    now = timezone.now()

    def update(row: Topic) -> list[str]:
        row.opened_at = now
        _start(row, _first_step(row), now)
        return ["opened_at", "step_position"]

    return apply_transition(TOPIC_WORKFLOW, actor=actor, obj=topic, action="open", update=update, note=note,
                            notify=_tell_followers)


def step_complete(*, actor: Actor, topic: Topic | int, given: StepOutcome) -> Topic:
    """Complete the step the topic is at with what it produced; start the next step, or resolve the
    topic after the last one."""
    now = timezone.now()

    def update(row: Topic) -> list[str]:
        step = current_step(row)
        if step is None:
            raise Conflict(_("The topic is not at any step."), code="no_current_step")
        CHECKS[step.path_step.output](row, given)
        step.state, step.finished_at, step.finished_by = StepState.DONE, now, actor_user(actor)
        step.outcome = given.outcome.strip()
        step.meeting = given.meeting or step.meeting
        step.vote = given.vote or step.vote
        step.households_consulted = given.households_consulted
        step.households_in_favour = given.households_in_favour
        step.households_against = given.households_against
        step.save()
        if step.path_step.output == StepOutput.VOTE:
            _resolution_for(row, step.vote)
        if step.path_step.output == StepOutput.PUBLICATION:
            _publish(actor, row, step)
        following = row.path.steps.filter(position__gt=step.position).order_by("position").first()
        if following is None:
            # The last step is done: the topic is resolved (the engine keeps a state the update set
            # when the table's target, "in progress", equals the state before).
            _resolution_for(row, None)
            row.resolved_at, row.step_position, row.state = now, step.position, TopicState.RESOLVED
            return ["resolved_at", "step_position", "state"]
        _start(row, following, now)
        return ["step_position"]

    return apply_transition(
        TOPIC_WORKFLOW, actor=actor, obj=topic, action="advance", update=update, choice=TopicState.IN_PROGRESS,
        note=given.outcome.strip()[:200], notify=_tell_followers,
    )


def step_send_back(*, actor: Actor, topic: Topic | int, reason: str) -> Topic:
    """Return the topic to the step before the current one, with the reason (where the path allows)."""
    reason = (reason or "").strip()
    if not reason:
        raise _field("reason", _("Say why the topic goes back."))
    now = timezone.now()

    def update(row: Topic) -> list[str]:
        step = current_step(row)
        if step is None:
            raise Conflict(_("The topic is not at any step."), code="no_current_step")
        if not step.path_step.may_send_back:
            raise Conflict(_("The step “%(step)s” cannot send the topic back.") % {"step": step.name}, code="no_send_back")
        before = row.path.steps.filter(position__lt=step.position).order_by("-position").first()
        if before is None:
            raise Conflict(_("This is the first step: there is no step to go back to."), code="no_send_back")
        step.state, step.finished_at, step.finished_by, step.reason = StepState.SENT_BACK, now, actor_user(actor), reason
        step.save(update_fields=["state", "finished_at", "finished_by", "reason"])
        _start(row, before, now)
        return ["step_position"]

    return apply_transition(TOPIC_WORKFLOW, actor=actor, obj=topic, action="send_back", update=update, note=reason,
                            notify=_tell_followers)


def topic_drop(*, actor: Actor, topic: Topic | int, reason: str) -> Topic:
    """End the topic with the reason (where its current step allows dropping); the requesters of
    the cases it came from are told."""
    reason = (reason or "").strip()
    if not reason:
        raise _field("reason", _("Say why the topic is dropped."))
    now = timezone.now()

    def update(row: Topic) -> list[str]:
        step = current_step(row)
        if step is not None:
            if not step.path_step.may_drop:
                raise Conflict(_("The step “%(step)s” cannot drop the topic.") % {"step": step.name}, code="no_drop")
            step.state, step.finished_at, step.finished_by, step.reason = StepState.DROPPED, now, actor_user(actor), reason
            step.save(update_fields=["state", "finished_at", "finished_by", "reason"])
        row.state_reason, row.closed_at = reason, now
        return ["state_reason", "closed_at"]

    return apply_transition(TOPIC_WORKFLOW, actor=actor, obj=topic, action="drop", update=update, note=reason,
                            notify=_tell_followers)


# --- who is told ---------------------------------------------------------------------------------


def _tell_followers(topic: Topic) -> None:
    """The proposer and co-signers follow their topic; the requesters of its cases are told how it
    ends (dropped, resolved, carried out) — once each, after the commit."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    topic = Topic.objects.select_related("path").get(pk=topic.pk)
    state = topic.get_state_display()
    step = current_step(topic)
    body = _("Now: %(state)s.") % {"state": state}
    if step is not None and topic.state == TopicState.IN_PROGRESS:
        body = _("Now at the step “%(step)s”.") % {"step": step.name}
    if topic.state == TopicState.DROPPED:
        body = _("Dropped: %(reason)s") % {"reason": topic.state_reason}
    followers = User.objects.filter(pk__in=[topic.proposed_by_id, *topic.signatures.values_list("user_id", flat=True)])
    ends = topic.state in (TopicState.DROPPED, TopicState.RESOLVED, TopicState.IMPLEMENTED)
    requesters = []
    if ends:
        links = list(topic.case_links.select_related("case__requester"))
        requesters = [link.case.requester for link in links if link.case.requester_id]
        topic.case_links.filter(pk__in=[link.pk for link in links]).update(requester_told_at=timezone.now())
    notify(
        recipients=[*followers, *requesters], title=_("Topic “%(title)s”") % {"title": topic.title}, body=body,
        url=topic_url(topic), obj=topic, kind="deliberation.topic_moved",
    )


def district_of(node: AreaNode) -> AreaNode:
    return AreaNode.objects.get(path=node.path[: AreaNode.steplen])


def on_vote_closed(vote: Vote) -> None:
    """Fills `votes.closed`: a passed vote on a topic ("topic:<id>") completes the topic's vote step
    (as the system, inside the close's transaction); a vote that did not pass leaves the topic at
    its step for the staff to send back or drop, and tells them."""
    if not vote.reference.startswith("topic:"):
        return
    topic = Topic.objects.filter(pk=vote.reference.split(":", 1)[1]).first()
    if topic is None or topic.state != TopicState.IN_PROGRESS:
        return
    step = current_step(topic)
    if step is None or step.path_step.output != StepOutput.VOTE:
        return
    from gongzhi.core.actors import SystemActor

    if vote.result == VoteResult.PASSED:
        figures = _("In favour %(yes)d, against %(no)d, abstaining %(abstain)d of %(attending)d attending.") % {
            "yes": vote.yes_count, "no": vote.no_count, "abstain": vote.abstain_count, "attending": vote.attending_count,
        }
        step_complete(actor=SystemActor(label="votes.closed"), topic=topic, given=StepOutcome(outcome=figures, vote=vote))
    else:
        TopicStep.objects.filter(pk=step.pk).update(vote=vote, outcome=vote.get_result_display())


# --- overdue steps -------------------------------------------------------------------------------


def area_staff(area: AreaNode):
    """The staff who steer topics of `area`: managers bound at the area or at a node above it."""
    from django.contrib.auth import get_user_model

    from gongzhi.core.permissions import role_q
    from gongzhi.meetings.permissions import MANAGER_ROLES
    from gongzhi.votes.models import ancestor_paths

    User = get_user_model()
    return User.objects.filter(
        role_q(MANAGER_ROLES), area_bindings__node__path__in=ancestor_paths(area.path), is_active=True
    ).distinct()


def steps_flag_overdue(*, actor: Actor, now=None) -> int:
    """Current steps past their time limit are flagged once (audited "deliberation.step.overdue")
    and the staff of the topic's area are told once. Returns how many were flagged; a second run
    flags nothing new."""
    from django.db import transaction

    from gongzhi.core import audit
    from gongzhi.core.permissions import require

    require(actor, "deliberation.sweep")
    now = now or timezone.now()
    due = list(
        TopicStep.objects.filter(state=StepState.CURRENT, due_at__lt=now, overdue_flagged_at__isnull=True)
        .values_list("pk", flat=True)[:5000]
    )
    flagged = 0
    for pk in due:
        with transaction.atomic():
            step = (TopicStep.objects.select_for_update()
                    .filter(pk=pk, state=StepState.CURRENT, due_at__lt=now, overdue_flagged_at__isnull=True)
                    .first())
            if step is None:
                continue
            step.overdue_flagged_at = now
            step.save(update_fields=["overdue_flagged_at"])
            topic = Topic.objects.select_related("area").get(pk=step.topic_id)
            audit.record(actor=actor, action="deliberation.step.overdue", obj=topic,
                         after={"step": step.name, "due_at": step.due_at})
            recipients = list(area_staff(topic.area))
            title = _("A step of a topic is overdue: %(title)s") % {"title": topic.title[:80]}
            body = _("The step “%(step)s” was due %(due)s.") % {
                "step": step.name, "due": timezone.localtime(step.due_at).strftime("%Y-%m-%d")}
            transaction.on_commit(lambda r=recipients, t=title, b=body, o=topic: notify(
                recipients=r, kind="deliberation.step_overdue", obj=o, url=topic_url(o), title=t, body=b))
            flagged += 1
    return flagged

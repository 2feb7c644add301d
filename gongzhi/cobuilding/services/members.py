"""Members' 双报到: reporting in to the community where one lives, the employer's confirmation,
the posts a member takes (认岗) and the service log (服务记录)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user, is_system
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound  # noqa: F401 (re-exported for tests)
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import apply_transition, lock_visible
from gongzhi.party.models import PartyMember

from ..models import OPEN_REPORT_STATES, MemberReport, PostKind, ReportInState, ServiceLog, ServicePost
from ..workflow_members import MEMBER_REPORT_WORKFLOW

MIN_HOURS = Decimal("0.5")
MAX_HOURS = Decimal("24")


def employer_liaisons(member: PartyMember):
    """The active accounts of the member's employer (its unit liaisons); empty when none."""
    if not member.employer_id:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(unit_id=member.employer_id, is_active=True)


def own_member(actor) -> PartyMember | None:
    """The in-service party member record of the signed-in user."""
    if not getattr(actor, "is_authenticated", False) or is_system(actor):
        return None
    return actor.party_memberships.filter(is_in_service=True).select_related("employer").first()


def _check_community(community: AreaNode | None) -> None:
    if community is None or community.kind != "community":
        raise InvalidInput(_("Choose a community."), fields={"community": [_("Choose a community.")]})


def _check_posts(community: AreaNode, posts: list[dict]) -> None:
    for post in posts:
        if post.get("kind") not in PostKind.values:
            raise InvalidInput(_("Choose a post."), fields={"posts": [_("Choose a post.")]})
        place = post.get("place")
        if place is not None and not place.path.startswith(community.path):
            message = _("The place of a post lies in the community.")
            raise InvalidInput(message, fields={"posts": [message]})
        if post["kind"] == PostKind.CARE_PAIR and place is None:
            message = _("A care pair names the household in difficulty.")
            raise InvalidInput(message, fields={"posts": [message]})


def _create(*, actor: Actor, member: PartyMember, community: AreaNode, skills: str, duty: str,
            posts: list[dict], public_profile: bool, state: str) -> MemberReport:
    if MemberReport.objects.filter(member=member, state__in=OPEN_REPORT_STATES).exists():
        message = _("This member is already registered with a community; end that registration first.")
        raise InvalidInput(message, fields={"community": [message]})
    _check_posts(community, posts)
    now = timezone.now()
    report = MemberReport.objects.create(
        member=member, community=community, skills=skills.strip()[:200], duty=duty.strip()[:100],
        public_profile=public_profile, state=state, requested_by=actor_user(actor),
        confirmed_at=now if state == ReportInState.ACTIVE else None,
        confirmed_by=actor_user(actor) if state == ReportInState.ACTIVE else None,
    )
    today = timezone.localdate()
    for post in posts:
        ServicePost.objects.create(report=report, kind=post["kind"], place=post.get("place"),
                                   note=(post.get("note") or "")[:200], started_on=today)
    audit.record(actor=actor, action="cobuilding.member_report.register", obj=report,
                 after=audit.snapshot(report) | {"posts": [p["kind"] for p in posts]})
    if state == ReportInState.ACTIVE:
        PartyMember.objects.filter(pk=member.pk).update(home_community=community)
    return report


def _ask_employer(report: MemberReport) -> None:
    liaisons = list(employer_liaisons(report.member))
    if not liaisons:
        return
    url = reverse("cobuilding:employer-inbox")
    transaction.on_commit(lambda: notify(
        recipients=liaisons, kind="cobuilding.confirm_registration", obj=report, url=url,
        title=_("%(name)s reported in to %(community)s: please confirm")
        % {"name": report.member.name, "community": report.community.name},
    ))


@transaction.atomic
def report_in(*, actor: Actor, community: AreaNode | None, skills: str = "", duty: str = "",
              posts: list[dict] | None = None, public_profile: bool = False) -> MemberReport:
    """The signed-in in-service member reports in to the community where they live; pending until
    their employer's party organisation confirms."""
    require(actor, "cobuilding.report_in")
    member = own_member(actor)
    if member is None:
        raise Forbidden(_("Only an in-service party member reports in to a community."))
    _check_community(community)
    PartyMember.objects.select_for_update().filter(pk=member.pk).first()
    report = _create(actor=actor, member=member, community=community, skills=skills, duty=duty, posts=posts or [],
                     public_profile=public_profile, state=ReportInState.PENDING)
    _ask_employer(report)
    return report


@transaction.atomic
def register_member(*, actor: Actor, member: PartyMember | None, community: AreaNode | None, skills: str = "",
                    duty: str = "", posts: list[dict] | None = None, public_profile: bool = False) -> MemberReport:
    """The community's staff register a member. When the employer has liaisons in the system they
    still confirm; otherwise the staff hold the employer's letter and the registration is active."""
    _check_community(community)
    require(actor, "cobuilding.keep_registrations", community)
    if member is None or not member.is_in_service:
        message = _("Choose an in-service party member.")
        raise InvalidInput(message, fields={"member": [message]})
    PartyMember.objects.select_for_update().filter(pk=member.pk).first()
    asks_employer = employer_liaisons(member).exists()
    report = _create(actor=actor, member=member, community=community, skills=skills, duty=duty, posts=posts or [],
                     public_profile=public_profile,
                     state=ReportInState.PENDING if asks_employer else ReportInState.ACTIVE)
    if asks_employer:
        _ask_employer(report)
    return report


def confirms_for_employer(actor, report: MemberReport) -> bool:
    """Who decides: the employer's liaisons when it has any, else the community's staff."""
    if is_system(actor):
        return True
    if employer_liaisons(report.member).exists():
        return bool(report.member.employer_id) and getattr(actor, "unit_id", None) == report.member.employer_id
    return can(actor, "cobuilding.keep_registrations", report)


def _decide(*, actor: Actor, report: MemberReport | int, action: str, note: str) -> MemberReport:
    def guard(row: MemberReport) -> None:
        if not confirms_for_employer(actor, row):
            raise Forbidden(_("Only the employer's liaison (or, without one, the community's staff) confirms this."))

    def update(row: MemberReport):
        row.decision_note = (note or "").strip()[:200]
        fields = ["decision_note"]
        if action == "confirm":
            row.confirmed_at, row.confirmed_by = timezone.now(), actor_user(actor)
            fields += ["confirmed_at", "confirmed_by"]
            # 双报到: the member's home community in the party register.
            PartyMember.objects.filter(pk=row.member_id).update(home_community=row.community_id)
        return fields

    def tell(row: MemberReport) -> None:
        if row.member.user_id:
            title = (_("Your registration with %(community)s is confirmed") if action == "confirm"
                     else _("Your registration with %(community)s was not confirmed"))
            notify(recipients=[row.member.user], kind="cobuilding.registration_confirmed", obj=row,
                   url=reverse("cobuilding:my-service"), title=title % {"community": row.community.name},
                   body=row.decision_note)

    return apply_transition(MEMBER_REPORT_WORKFLOW, actor=actor, obj=report, action=action, guard=guard,
                            update=update, notify=tell, note=note or "")


def confirm(*, actor: Actor, report: MemberReport | int, note: str = "") -> MemberReport:
    return _decide(actor=actor, report=report, action="confirm", note=note)


def refuse(*, actor: Actor, report: MemberReport | int, note: str = "") -> MemberReport:
    if not (note or "").strip():
        message = _("Say why the registration is not confirmed.")
        raise InvalidInput(message, fields={"note": [message]})
    return _decide(actor=actor, report=report, action="refuse", note=note)


def end(*, actor: Actor, report: MemberReport | int, note: str = "") -> MemberReport:
    """The member or the community's staff end a registration (and its posts)."""

    def guard(row: MemberReport) -> None:
        if row.member.user_id != getattr(actor, "pk", None) and not can(actor, "cobuilding.keep_registrations", row):
            raise Forbidden(_("Only the member or the community's staff end a registration."))

    def update(row: MemberReport):
        today = timezone.localdate()
        row.ended_on = today
        row.posts.filter(ended_on__isnull=True).update(ended_on=today)
        if row.member.home_community_id == row.community_id:
            PartyMember.objects.filter(pk=row.member_id).update(home_community=None)
        return ["ended_on"]

    return apply_transition(MEMBER_REPORT_WORKFLOW, actor=actor, obj=report, action="end", guard=guard,
                            update=update, note=note or "")


def _own_or_kept(actor, report: MemberReport) -> None:
    if report.member.user_id == getattr(actor, "pk", None):
        require(actor, "cobuilding.report_in", report)
        return
    require(actor, "cobuilding.keep_registrations", report)


@transaction.atomic
def update_profile(*, actor: Actor, report: MemberReport | int, skills: str, duty: str,
                   public_profile: bool) -> MemberReport:
    """What the member offers, their duty, and their consent to the public profile (三亮一树) — the
    member themself or the community's staff; withdrawing consent takes the profile down at once."""
    row = lock_visible(MemberReport, actor=actor, pk=getattr(report, "pk", report))
    _own_or_kept(actor, row)
    if row.state not in OPEN_REPORT_STATES:
        message = _("This registration has ended.")
        raise InvalidInput(message, fields={"duty": [message]})
    skills, duty = (skills or "").strip(), (duty or "").strip()
    limits = {"skills": (skills, 200), "duty": (duty, 100)}
    problems = {field: [_("At most %(count)d characters.") % {"count": limit}]
                for field, (value, limit) in limits.items() if len(value) > limit}
    if problems:
        raise InvalidInput(next(iter(problems.values()))[0], fields=problems)
    before = {"skills": row.skills, "duty": row.duty, "public_profile": row.public_profile}
    row.skills, row.duty, row.public_profile = skills, duty, bool(public_profile)
    row.save(update_fields=["skills", "duty", "public_profile"])
    audit.record(actor=actor, action="cobuilding.member_report.update", obj=row, before=before,
                 after={"skills": row.skills, "duty": row.duty, "public_profile": row.public_profile})
    return row


@transaction.atomic
def add_post(*, actor: Actor, report: MemberReport | int, kind: str, place: AreaNode | None = None,
             note: str = "") -> ServicePost:
    row = lock_visible(MemberReport, actor=actor, pk=getattr(report, "pk", report))
    _own_or_kept(actor, row)
    if row.state not in OPEN_REPORT_STATES:
        raise InvalidInput(_("The registration has ended."), fields={"kind": [_("The registration has ended.")]})
    _check_posts(row.community, [{"kind": kind, "place": place}])
    post = ServicePost.objects.create(report=row, kind=kind, place=place, note=(note or "")[:200],
                                      started_on=timezone.localdate())
    audit.record(actor=actor, action="cobuilding.post.add", obj=post, after=audit.snapshot(post))
    return post


@transaction.atomic
def end_post(*, actor: Actor, post: ServicePost | int) -> ServicePost:
    row = lock_visible(ServicePost, actor=actor, pk=getattr(post, "pk", post))
    _own_or_kept(actor, row.report)
    if row.ended_on is None:
        row.ended_on = timezone.localdate()
        row.save(update_fields=["ended_on"])
    audit.record(actor=actor, action="cobuilding.post.end", obj=row, after={"ended_on": row.ended_on})
    return row


def parse_hours(value) -> Decimal:
    message = _("Hours lie between 0.5 and 24, in half hours.")
    try:
        hours = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput(message, fields={"hours": [message]}) from None
    if not hours.is_finite() or hours < MIN_HOURS or hours > MAX_HOURS or (hours * 2) % 1 != 0:
        raise InvalidInput(message, fields={"hours": [message]})
    return hours


@transaction.atomic
def log_service(*, actor: Actor, report: MemberReport | int, served_on: dt.date | None, hours, what: str,
                post: ServicePost | None = None) -> ServiceLog:
    """A service the member did: logged by the member on the phone or by the staff for them."""
    row = lock_visible(MemberReport, actor=actor, pk=getattr(report, "pk", report))
    _own_or_kept(actor, row)
    if row.state != ReportInState.ACTIVE:
        message = _("Service is logged once the registration is confirmed.")
        raise InvalidInput(message, fields={"served_on": [message]})
    if served_on is None:
        raise InvalidInput(_("Give the date of service."), fields={"served_on": [_("Give the date of service.")]})
    if served_on > timezone.localdate():
        message = _("The date of service cannot be in the future.")
        raise InvalidInput(message, fields={"served_on": [message]})
    amount = parse_hours(hours)
    what = (what or "").strip()
    if not what:
        raise InvalidInput(_("Say what the service was."), fields={"what": [_("Say what the service was.")]})
    if post is not None and post.report_id != row.pk:
        message = _("Choose one of the member's posts.")
        raise InvalidInput(message, fields={"post": [message]})
    entry = ServiceLog.objects.create(report=row, post=post, served_on=served_on, hours=amount, what=what[:300],
                                      logged_by=actor_user(actor))
    audit.record(actor=actor, action="cobuilding.log.add", obj=entry, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def remove_log(*, actor: Actor, entry: ServiceLog | int) -> None:
    row = lock_visible(ServiceLog, actor=actor, pk=getattr(entry, "pk", entry))
    _own_or_kept(actor, row.report)
    before = audit.snapshot(row)
    audit.record(actor=actor, action="cobuilding.log.remove", obj=row, before=before)
    row.delete()

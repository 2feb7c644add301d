"""Meetings and decisions: one engine for every body that meets (seeds 001–004).

A `Body` is a standing body with members (people and units, each with a role) attached to an area
node: an alliance at any level, a party branch or group, an estate's 四位一体 joint meeting, a
residents' council or representatives' assembly, a joint meeting of units. Each body has one or
more `BodyCadence` rows: the kind of meeting it owes and how often (the regular meeting every two
months; for a party branch the 三会一课 and the monthly 主题党日). The planner creates a `Meeting`
for each period; a meeting has agenda items, attendances (invited members and outside parties),
versioned `Minutes`, and `Decision`s with owners and progress updates.

A coordination meeting for a case (seed 001: developer, property company, heating company and
residents) has no standing body: it belongs to the case's area and lists its parties as attendances.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode, Department, Estate, Unit
from gongzhi.cases.models import Case
from gongzhi.core import scope
from gongzhi.core.pii import PHONE, EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet
from gongzhi.party.models import Alliance, PartyMember, PartyOrganization


class BodyKind(models.TextChoices):
    ALLIANCE = "alliance", _("Regional party-building alliance")  # 区级大联盟 / 街道大工委 / 社区大党委
    PARTY_BRANCH = "party_branch", _("Party branch")
    PARTY_GROUP = "party_group", _("Party group")
    TWO_COMMITTEES = "two_committees", _("Community two committees")  # 社区两委
    FOUR_IN_ONE = "four_in_one", _("Four-in-one joint meeting")  # 四位一体联席会
    RESIDENTS_COUNCIL = "residents_council", _("Residents' council")  # 居民议事会
    RESIDENTS_ASSEMBLY = "residents_assembly", _("Residents' representatives assembly")  # 居民代表会议
    PARTY_REPRESENTATIVES = "party_representatives", _("Party members' representatives assembly")  # 党员代表会议
    UNITS_JOINT = "units_joint", _("Joint meeting of units")  # 企业联席会 / 单位联席会
    SUPERVISION_COMMITTEE = "supervision_committee", _("Residents' supervision committee")  # 居务监督委员会


class Cadence(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    QUARTERLY = "quarterly", _("Quarterly")
    BIMONTHLY = "bimonthly", _("Every two months")
    MONTHLY = "monthly", _("Monthly")
    NONE = "none", _("No fixed cadence")


# Months per period of each cadence (periods start on 1 January and follow each other).
CADENCE_MONTHS = {Cadence.YEARLY: 12, Cadence.QUARTERLY: 3, Cadence.BIMONTHLY: 2, Cadence.MONTHLY: 1}


def period_of(cadence: str, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period of `cadence` that contains `day`: (first day, last day); None without a cadence."""
    months = CADENCE_MONTHS.get(cadence)
    if not months:
        return None
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    end_month = first_month + months
    end = (dt.date(day.year + 1, 1, 1) if end_month > 12 else dt.date(day.year, end_month, 1)) - dt.timedelta(days=1)
    return start, end


class QuorumRule(models.TextChoices):
    MORE_THAN_HALF = "more_than_half", _("More than half of the members")
    TWO_THIRDS = "two_thirds", _("At least two thirds of the members")
    NONE = "none", _("No quorum")


def quorum_met(rule: str, present: int, expected: int) -> bool:
    """Whether `present` of `expected` voting members make a quorum under `rule`."""
    if rule == QuorumRule.NONE:
        return True
    if expected <= 0:
        return False
    if rule == QuorumRule.TWO_THIRDS:
        return present * 3 >= expected * 2
    return present * 2 > expected


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")
    HEARING = "hearing", _("Public hearing")  # 听证会
    COORDINATION = "coordination", _("Coordination meeting")  # 协调会 (for a case)
    THEME_DAY = "theme_day", _("Theme party day")  # 主题党日 "4+X"
    BRANCH_ASSEMBLY = "branch_assembly", _("Branch general meeting")  # 支部党员大会
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee meeting")  # 支委会
    GROUP_MEETING = "group_meeting", _("Party group meeting")  # 党小组会
    PARTY_LECTURE = "party_lecture", _("Party lecture")  # 党课


# 三会一课 and 主题党日: the kinds of meeting a party branch owes, and how often by default.
PARTY_LIFE_CADENCES = {
    MeetingKind.BRANCH_ASSEMBLY: Cadence.QUARTERLY,
    MeetingKind.BRANCH_COMMITTEE: Cadence.MONTHLY,
    MeetingKind.GROUP_MEETING: Cadence.MONTHLY,
    MeetingKind.PARTY_LECTURE: Cadence.QUARTERLY,
    MeetingKind.THEME_DAY: Cadence.MONTHLY,
}


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", pgettext_lazy("meeting", "Secretary")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")  # 列席


# --- visibility ----------------------------------------------------------------------------------


def _scope_or(user, paths: list[str], field: str, mine: models.Q) -> models.Q:
    return scope.path_q(paths, field) | mine if paths else mine


class BodyQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Bodies in the user's area scope, and bodies the user sits on."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(pk__in=BodyMember.objects.filter(user=user, left_on__isnull=True).values("body_id"))
        return self.filter(_scope_or(user, paths, "area", mine))


class MeetingQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Meetings in the user's area scope, and meetings the user was invited to."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(pk__in=Attendance.objects.filter(user=user).values("meeting_id"))
        return self.filter(_scope_or(user, paths, "area", mine))


class DecisionQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Decisions of meetings in the user's area scope, decisions of meetings the user was invited
        to (the body's officers and members follow what they decided), and decisions the user (or the
        user's unit or department) owns."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        owner = models.Q(user=user)
        if getattr(user, "unit_id", None):
            owner |= models.Q(unit_id=user.unit_id)
        if getattr(user, "department_id", None):
            owner |= models.Q(department_id=user.department_id)
        mine = models.Q(pk__in=DecisionOwner.objects.filter(owner).values("decision_id")) | models.Q(
            meeting_id__in=Attendance.objects.filter(user=user).values("meeting_id")
        )
        return self.filter(_scope_or(user, paths, "meeting__area", mine))


class ThroughMeetingQuerySet(ScopedQuerySet):
    """Rows that belong to a meeting (agenda items, attendances, minutes): visible with it."""

    def visible_to(self, user) -> models.QuerySet:
        return self.filter(meeting__in=Meeting.objects.visible_to(user).values("pk"))


class ThroughDecisionQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(decision__in=Decision.objects.visible_to(user).values("pk"))


# --- bodies --------------------------------------------------------------------------------------


class Body(models.Model):
    """A standing body that meets: its members, its area and the meetings it owes."""

    area_scope_field = "area"

    kind = models.CharField(_("kind"), max_length=24, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="bodies")
    alliance = models.OneToOneField(
        Alliance, verbose_name=_("alliance"), null=True, blank=True, on_delete=models.PROTECT, related_name="body"
    )
    party_organization = models.ForeignKey(
        PartyOrganization, verbose_name=_("party organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bodies",
    )
    estate = models.ForeignKey(
        Estate, verbose_name=_("estate"), null=True, blank=True, on_delete=models.PROTECT, related_name="bodies"
    )
    quorum_rule = models.CharField(
        _("quorum"), max_length=16, choices=QuorumRule.choices, default=QuorumRule.MORE_THAN_HALF
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(BodyQuerySet)()

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["area__path", "kind", "name"]
        indexes = [models.Index(fields=["kind", "is_active"], name="meetings_body_kind_idx")]
        permissions = [("reveal_phone", "Can reveal full phone numbers of body members and outside parties")]

    def __str__(self) -> str:
        return self.name


class BodyCadence(models.Model):
    """A kind of meeting a body owes, and how often (the planner makes one meeting per period)."""

    area_scope_field = "body__area"

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="cadences")
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    cadence = models.CharField(_("cadence"), max_length=12, choices=Cadence.choices)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("meeting cadence")
        verbose_name_plural = _("meeting cadences")
        ordering = ["body", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind"], name="meetings_cadence_unique_kind",
                violation_error_message=_("This body already has a cadence for this kind of meeting."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} · {self.get_kind_display()} · {self.get_cadence_display()}"


class BodyMember(PersonalCopiesMixin, models.Model):
    """A person or a unit on a body, with a role. A member with an account is linked to it (`user`);
    a party member to the registry (`party_member`); a unit to the unit registry; anyone else is a
    name, a title and a phone (personal data: encrypted, masked, reveals audited)."""

    area_scope_field = "body__area"

    body = models.ForeignKey(Body, verbose_name=_("body"), on_delete=models.CASCADE, related_name="members")
    capacity = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="body_memberships",
    )
    party_member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="body_memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="body_memberships"
    )
    phone = EncryptedCharField(_("phone"), kind=PHONE, max_length=20)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        ordering = ["body", "capacity", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "user"], condition=models.Q(user__isnull=False, left_on__isnull=True),
                name="meetings_member_unique_user",
                violation_error_message=_("This person already sits on the body."),
            ),
            models.UniqueConstraint(
                fields=["body", "party_member"], condition=models.Q(party_member__isnull=False, left_on__isnull=True),
                name="meetings_member_unique_party_member",
                violation_error_message=_("This party member already sits on the body."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_capacity_display()})"

    @property
    def counts_for_quorum(self) -> bool:
        return self.capacity != MemberRole.OBSERVER


class ThemeDayContent(models.Model):
    """One of the district's fixed contents of the monthly theme party day (the "4" of "4+X"); each
    branch adds its own X to each theme day."""

    area_scope_field = "district"

    district = models.ForeignKey(
        AreaNode, verbose_name=_("district"), on_delete=models.PROTECT, related_name="theme_day_contents"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("theme day fixed content")
        verbose_name_plural = _("theme day fixed contents")
        ordering = ["district", "position"]

    def __str__(self) -> str:
        return self.title


# --- meetings ------------------------------------------------------------------------------------


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    NOTIFIED = "notified", _("Notice sent")
    IN_SESSION = "in_session", _("In session")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


class Meeting(models.Model):
    """One meeting of a body (or, for a coordination meeting on a case, of the parties to it)."""

    area_scope_field = "area"

    body = models.ForeignKey(
        Body, verbose_name=_("body"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="meetings")
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # The cadence period this meeting fulfils (planned by schedule); empty for meetings outside one.
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.PLANNED)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)  # why moved / cancelled
    # The quorum rule in force (the body's, copied when the meeting is created).
    quorum_rule = models.CharField(
        _("quorum"), max_length=16, choices=QuorumRule.choices, default=QuorumRule.MORE_THAN_HALF
    )
    expected_count = models.PositiveIntegerField(_("expected"), default=0)
    present_count = models.PositiveIntegerField(_("present"), default=0)
    is_quorate = models.BooleanField(_("quorate"), null=True, blank=True)
    signin_code = models.CharField(_("sign-in code"), max_length=8, blank=True, db_index=True)
    signin_expires_at = models.DateTimeField(_("sign-in code expires"), null=True, blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    missed_flagged_at = models.DateTimeField(_("missed period flagged"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(MeetingQuerySet)()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["body", "starts_at"], name="meetings_meeting_body_idx"),
            models.Index(fields=["area", "starts_at"], name="meetings_meeting_area_idx"),
            models.Index(fields=["state", "starts_at"], name="meetings_meeting_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "kind", "period_start"],
                condition=models.Q(period_start__isnull=False) & ~models.Q(state="cancelled"),
                name="meetings_meeting_one_per_period",
                violation_error_message=_("This body already has a meeting of this kind planned for the period."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """One matter on a meeting's agenda; it may concern a case (or a hot issue, a need, a topic of a
    later programme, named by `reference`)."""

    area_scope_field = "meeting__area"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)  # e.g. "need:12", "topic:3"
    is_fixed_content = models.BooleanField(_("fixed content"), default=False)  # a theme day's district "4"

    objects = ThroughMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")  # 请假
    ABSENT = "absent", _("Absent")


class SignInMethod(models.TextChoices):
    CODE = "code", _("Sign-in code")
    QR = "qr", _("QR code")
    SECRETARY = "secretary", _("Marked by the secretary")


class Attendance(PersonalCopiesMixin, models.Model):
    """One invitee of a meeting: a member of the body, a person with an account invited by name, or
    an outside party without an account (a developer, a heating company), with a phone number that is
    personal data."""

    area_scope_field = "meeting__area"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(
        BodyMember, verbose_name=_("member"), null=True, blank=True, on_delete=models.PROTECT, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="meeting_attendances",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    organization = models.CharField(_("organisation"), max_length=100, blank=True)
    capacity = models.CharField(_("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    is_outside_party = models.BooleanField(_("outside party"), default=False)
    phone = EncryptedCharField(_("phone"), kind=PHONE, max_length=20)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    counts_for_quorum = models.BooleanField(_("counts for the quorum"), default=True)
    status = models.CharField(
        _("attendance"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(_("signed in"), null=True, blank=True)
    signed_in_via = models.CharField(_("signed in by"), max_length=10, choices=SignInMethod.choices, blank=True)
    # Left before the end (a vote's proxy held by someone who left is not counted).
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    objects = ThroughMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "capacity", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], condition=models.Q(member__isnull=False),
                name="meetings_attendance_unique_member",
                violation_error_message=_("This member is already invited."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=models.Q(user__isnull=False),
                name="meetings_attendance_unique_user",
                violation_error_message=_("This person is already invited."),
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status"], name="meetings_attendance_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_status_display()}"


# --- minutes -------------------------------------------------------------------------------------


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Minutes(models.Model):
    """One version of a meeting's minutes (纪要). Approved by the chair, then frozen: a change after
    approval is a new version, itself a draft until approved."""

    area_scope_field = "meeting__area"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    text = models.TextField(_("minutes"))
    state = models.CharField(_("state"), max_length=10, choices=MinutesState.choices, default=MinutesState.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = ThroughMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "version"], name="meetings_minutes_unique_version",
                violation_error_message=_("This version of the minutes exists already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · v{self.version}"


def attachment_storage_name(instance, filename: str) -> str:
    """A random storage name: nothing in it says which meeting it belongs to; files are served only
    by the scoped views."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"meetings/{uuid.uuid4().hex}{extension}"


class MinutesAttachment(models.Model):
    """A file attached to a version of the minutes (a sign-in sheet, a photo, a document)."""

    minutes = models.ForeignKey(Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("minutes attachment")
        verbose_name_plural = _("minutes attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


# --- decisions -----------------------------------------------------------------------------------


class DecisionState(models.TextChoices):
    OPEN = "open", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("decision", "Withdrawn")


class Decision(models.Model):
    """A matter decided at a meeting (议定事项): owners, a deadline, progress, done or overdue."""

    area_scope_field = "meeting__area"

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="decisions",
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("decision"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.OPEN)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("how it was done"), blank=True)
    overdue_flagged_at = models.DateTimeField(_("overdue flagged"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ScopedManager.from_queryset(DecisionQuerySet)()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="meetings_decision_due_idx"),
            models.Index(fields=["meeting", "number"], name="meetings_decision_meeting_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_overdue(self) -> bool:
        return self.state == DecisionState.OPEN and self.deadline < timezone.localdate()

    @property
    def done_on_time(self) -> bool:
        return self.state == DecisionState.DONE and self.done_at is not None and timezone.localdate(self.done_at) <= self.deadline


class DecisionOwner(models.Model):
    """Who carries out a decision: a person with an account, a unit, a department, or a named party."""

    area_scope_field = "decision__meeting__area"

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="owners")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_decisions",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="owned_decisions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="owned_decisions",
    )
    name = models.CharField(_("owner"), max_length=100)  # what the page shows (the person's, unit's, department's name)

    objects = ThroughDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision owner")
        verbose_name_plural = _("decision owners")
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        return self.name


class DecisionUpdate(models.Model):
    """A progress report on a decision, with photos."""

    area_scope_field = "decision__meeting__area"

    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("progress"))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    objects = ThroughDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class DecisionPhoto(models.Model):
    update = models.ForeignKey(DecisionUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=attachment_storage_name)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("file", "content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

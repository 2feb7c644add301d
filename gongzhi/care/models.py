"""Care for households in difficulty (困难群众关爱): the grid party branch's duty plan (值班计划).

A household in difficulty gets a care plan: who lives there and what they need, how often someone
must come, the branch responsible and the people on its rota — the branch's party groups, the
members paired with it (包保) and volunteers. The branch generates fair rotation rosters of turns
for a period; carers record their visits at the door (checked in by the code on the household's
card); a sweep flags missed turns and households not seen for too long; an emergency found at the
door is raised with one button.

Who sees what is written once per model in its queryset's `visible_to`: the staff of the area scope
whose role may read care lists see everything of their areas; the branch secretary sees the
branch's rosters, plans and people; a carer sees their own turns, the plans they are on and the
rosters that hold them. Health notes are personal data (encrypted; the reveal is a separate,
audited step: `services.plans.plan_reveal_health`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import Case
from gongzhi.cobuilding.models import Need
from gongzhi.core import permissions, scope
from gongzhi.core.pii import EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedQuerySet
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.residents.models import Person
from gongzhi.volunteers.models import Volunteer


class CareNeed(models.TextChoices):
    """What a household needs, and what a visit did (the seed's list, and more)."""

    GROCERIES = "groceries", _("Buying grain and vegetables")  # 买粮买菜
    LAUNDRY = "laundry", _("Washing clothes")  # 洗衣
    HAIRCUT = "haircut", _("Cutting hair")  # 理发
    CLEANING = "cleaning", _("Cleaning")  # 打扫卫生
    DOCTOR = "doctor", _("Fetching a doctor")  # 请医看病
    MEDICATION = "medication", _("Medication")  # 用药
    MEALS = "meals", _("Meals")  # 助餐
    COMPANY = "company", _("Company and a chat")  # 陪伴聊天


def _staff_or(user, mine: Q, field: str) -> Q | None:
    """Rows of the user's area scope (for roles that read care lists) or `mine`; None: everything."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    paths = scope.scope_paths(user)
    if paths is None:
        return None
    if paths and permissions.can(user, "care.view_list"):
        return scope.path_q(paths, field) | mine
    return mine


class CareBranchQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        q = _staff_or(user, Q(secretary=user) | Q(carers__user=user, carers__active=True), "area")
        return self if q is None else self.filter(q).distinct()


class CareBranch(models.Model):
    """A party branch that takes care duties (usually the grid branch), with its secretary's account:
    the secretary generates the rosters, approves swaps and hears of missed turns."""

    area_scope_field = "area"

    organization = models.OneToOneField(PartyOrganization, verbose_name=_("party branch"), on_delete=models.PROTECT,
                                        related_name="care_branch")
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="care_branches")
    secretary = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("branch secretary"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="care_branches")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = CareBranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("care branch")
        verbose_name_plural = _("care branches")
        ordering = ["area__path", "id"]

    def __str__(self) -> str:
        return self.organization.name


class CarerKind(models.TextChoices):
    GROUP = "group", _("Party group")  # 党小组
    MEMBER = "member", _("Party member")  # 党员（含包保的在职党员）
    VOLUNTEER = "volunteer", _("Volunteer")  # 志愿者


class CarerQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        q = _staff_or(user, Q(user=user) | Q(branch__secretary=user), "branch__area")
        return self if q is None else self.filter(q)


class Carer(models.Model):
    """One on a branch's rota: a party group (its leader's account hears of the turns), a party
    member or a volunteer. Fairness counts each carer's turns; `max_per_week` and the unavailable
    weekdays and leave bound them."""

    area_scope_field = "branch__area"

    branch = models.ForeignKey(CareBranch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="carers")
    kind = models.CharField(_("kind"), max_length=10, choices=CarerKind.choices)
    party_group = models.ForeignKey(PartyOrganization, verbose_name=_("party group"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="care_rotas")
    member = models.ForeignKey(PartyMember, verbose_name=_("party member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="care_rotas")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="care_rotas")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account told of the turns"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="care_rotas")
    max_per_week = models.PositiveSmallIntegerField(_("at most turns a week"), default=2)
    # Weekdays the carer never takes a turn (Monday 0 … Sunday 6).
    unavailable_weekdays = models.JSONField(_("unavailable weekdays"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = CarerQuerySet.as_manager()

    class Meta:
        verbose_name = _("carer")
        verbose_name_plural = _("carers")
        ordering = ["branch", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "party_group"], condition=Q(party_group__isnull=False),
                                    name="care_carer_one_group", violation_error_message=_("This party group is already on the rota.")),
            models.UniqueConstraint(fields=["branch", "member"], condition=Q(member__isnull=False),
                                    name="care_carer_one_member", violation_error_message=_("This party member is already on the rota.")),
            models.UniqueConstraint(fields=["branch", "volunteer"], condition=Q(volunteer__isnull=False),
                                    name="care_carer_one_volunteer", violation_error_message=_("This volunteer is already on the rota.")),
            models.CheckConstraint(
                condition=(Q(kind="group", party_group__isnull=False, member__isnull=True, volunteer__isnull=True)
                           | Q(kind="member", member__isnull=False, party_group__isnull=True, volunteer__isnull=True)
                           | Q(kind="volunteer", volunteer__isnull=False, party_group__isnull=True, member__isnull=True)),
                name="care_carer_one_identity"),
            models.CheckConstraint(condition=Q(max_per_week__gte=1) & Q(max_per_week__lte=14), name="care_carer_week_bounds"),
        ]

    def __str__(self) -> str:
        return self.name


class ThroughCarerQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(carer__in=Carer.objects.visible_to(user))


class CarerLeave(models.Model):
    """A carer's leave: no turn falls inside it."""

    area_scope_field = "carer__branch__area"

    carer = models.ForeignKey(Carer, verbose_name=_("carer"), on_delete=models.CASCADE, related_name="leaves")
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ThroughCarerQuerySet.as_manager()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["carer", "start_on"]
        constraints = [models.CheckConstraint(condition=Q(end_on__gte=models.F("start_on")), name="care_leave_end_after_start",
                                              violation_error_message=_("Leave cannot end before it starts."))]

    def __str__(self) -> str:
        return f"{self.carer} {self.start_on:%Y-%m-%d}–{self.end_on:%Y-%m-%d}"



class PlanState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("care plan", "Active")
    CLOSED = "closed", pgettext_lazy("care plan", "Closed")


class CloseReason(models.TextChoices):
    MOVED = "moved", _("Moved away")  # 搬离
    PASSED_AWAY = "passed_away", _("Passed away")  # 去世
    NOT_NEEDED = "not_needed", _("No longer needed")  # 不再需要


class CarePlanQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        mine = Q(carers__user=user) | Q(branch__secretary=user)
        q = _staff_or(user, mine, "household")
        return self if q is None else self.filter(pk__in=models.Subquery(CarePlan.objects.filter(q).values("pk")))


class CarePlan(models.Model):
    """A household's care plan (一户一策)."""

    area_scope_field = "household"

    household = models.ForeignKey(AreaNode, verbose_name=_("household"), on_delete=models.PROTECT, related_name="care_plans")
    branch = models.ForeignKey(CareBranch, verbose_name=_("responsible branch"), on_delete=models.PROTECT, related_name="plans")
    people = models.ManyToManyField(Person, verbose_name=_("people cared for"), blank=True, related_name="care_plans")
    # Started from the registry's tags (the kinds, e.g. ["elderly_alone", "low_income"]) or by staff ([]).
    source_tags = models.JSONField(_("from the tags"), default=list, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)  # CareNeed values
    needs_note = models.TextField(_("other needs"), blank=True)
    health_notes = EncryptedCharField(_("health notes"), kind="health", max_length=2000)
    every_days = models.PositiveSmallIntegerField(_("someone comes at least every (days)"), default=7)
    skip_holidays = models.BooleanField(_("no visits on public holidays"), default=False)
    review_every_days = models.PositiveSmallIntegerField(_("reviewed every (days)"), default=90)
    next_review_on = models.DateField(_("next review"))
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    checkin_code = models.CharField(_("check-in code"), max_length=8, unique=True)
    carers = models.ManyToManyField(Carer, through="PlanCarer", verbose_name=_("rota"), related_name="plans")
    state = models.CharField(pgettext_lazy("care plan", "state"), max_length=10, choices=PlanState.choices,
                             default=PlanState.ACTIVE, db_index=True)
    close_reason = models.CharField(_("reason closed"), max_length=15, choices=CloseReason.choices, blank=True)
    close_note = models.CharField(_("note"), max_length=300, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged as not seen"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = CarePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        ordering = ["household__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(state="active"), name="care_plan_one_active",
                                    violation_error_message=_("This household already has an active care plan.")),
            models.CheckConstraint(condition=Q(every_days__gte=1) & Q(every_days__lte=90), name="care_plan_every_bounds"),
        ]
        indexes = [models.Index(fields=["state", "last_visit_at"], name="care_plan_state_seen_idx")]

    def __str__(self) -> str:
        return self.household.name


class PlanCarer(models.Model):
    """A carer on a plan's rota; `paired` marks the members paired with the household (包保)."""

    area_scope_field = "plan__household"

    plan = models.ForeignKey(CarePlan, verbose_name=_("care plan"), on_delete=models.CASCADE, related_name="rota")
    carer = models.ForeignKey(Carer, verbose_name=_("carer"), on_delete=models.CASCADE, related_name="rota")
    paired = models.BooleanField(_("paired with the household (包保)"), default=False)

    class Meta:
        verbose_name = _("rota place")
        verbose_name_plural = _("rota places")
        ordering = ["plan", "-paired", "carer__name"]
        constraints = [models.UniqueConstraint(fields=["plan", "carer"], name="care_plan_carer_once")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.carer}"



class ThroughPlanQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(plan__in=CarePlan.objects.visible_to(user))


class EmergencyContact(PersonalCopiesMixin, models.Model):
    """Who to call for the household: the phone is encrypted, masked on screen; an account (a
    relative who uses the app) also hears of an emergency in the inbox."""

    area_scope_field = "plan__household"

    plan = models.ForeignKey(CarePlan, verbose_name=_("care plan"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=30)
    phone = EncryptedCharField(_("phone"), kind="phone", max_length=20)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    objects = ThroughPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.name



class RosterState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("roster", "Draft")
    PUBLISHED = "published", pgettext_lazy("roster", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("roster", "Withdrawn")


class RosterQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        mine = Q(branch__secretary=user) | Q(pk__in=Turn.objects.filter(carer__user=user).values("roster_id"))
        q = _staff_or(user, mine, "branch__area")
        return self if q is None else self.filter(q)


class Roster(models.Model):
    """The branch's rotation roster for a period: turns shared fairly among its carers."""

    area_scope_field = "branch__area"

    branch = models.ForeignKey(CareBranch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="rosters")
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"))
    state = models.CharField(pgettext_lazy("roster", "state"), max_length=10, choices=RosterState.choices,
                             default=RosterState.DRAFT, db_index=True)
    # The fairness achieved: every carer's number of turns lies within [min_load, max_load].
    min_load = models.PositiveIntegerField(_("fewest turns"), default=0)
    max_load = models.PositiveIntegerField(_("most turns"), default=0)
    turn_count = models.PositiveIntegerField(_("turns"), default=0)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("generated by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    generated_at = models.DateTimeField(_("generated"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = RosterQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["branch", "-start_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(end_on__gte=models.F("start_on")), name="care_roster_end_after_start",
                                              violation_error_message=_("A roster cannot end before it starts."))]

    def __str__(self) -> str:
        return f"{self.branch} {self.start_on:%Y-%m-%d}–{self.end_on:%Y-%m-%d}"

    @property
    def spread(self) -> int:
        return self.max_load - self.min_load


class TurnState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("turn", "Planned")
    DONE = "done", pgettext_lazy("turn", "Done")
    MISSED = "missed", pgettext_lazy("turn", "Missed")
    CANCELLED = "cancelled", pgettext_lazy("turn", "Cancelled")


class TurnQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        mine = Q(carer__user=user) | Q(roster__branch__secretary=user)
        q = _staff_or(user, mine, "plan__household")
        return self if q is None else self.filter(q)


class Turn(models.Model):
    """One carer's turn at one household on one day. Not done by the end of its day, the carer is
    told (`flagged_carer_at`); still not done a day later it is missed and the branch secretary is
    told (`flagged_branch_at`)."""

    area_scope_field = "plan__household"

    roster = models.ForeignKey(Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="turns")
    plan = models.ForeignKey(CarePlan, verbose_name=_("care plan"), on_delete=models.CASCADE, related_name="turns")
    carer = models.ForeignKey(Carer, verbose_name=_("carer"), on_delete=models.PROTECT, related_name="turns")
    date = models.DateField(_("date"))
    state = models.CharField(pgettext_lazy("turn", "state"), max_length=10, choices=TurnState.choices,
                             default=TurnState.PLANNED)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    flagged_carer_at = models.DateTimeField(_("carer told it is late"), null=True, blank=True)
    flagged_branch_at = models.DateTimeField(_("branch told it was missed"), null=True, blank=True)

    objects = TurnQuerySet.as_manager()

    class Meta:
        verbose_name = _("turn")
        verbose_name_plural = _("turns")
        ordering = ["date", "plan", "id"]
        indexes = [
            models.Index(fields=["carer", "date"], name="care_turn_carer_date_idx"),
            models.Index(fields=["state", "date"], name="care_turn_state_date_idx"),
            models.Index(fields=["plan", "date"], name="care_turn_plan_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.carer} → {self.plan}"


class SwapState(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("swap", "Requested")
    APPROVED = "approved", pgettext_lazy("swap", "Approved")
    REFUSED = "refused", pgettext_lazy("swap", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("swap", "Withdrawn")


class SwapQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        mine = Q(turn__carer__user=user) | Q(other_turn__carer__user=user) | Q(turn__roster__branch__secretary=user)
        q = _staff_or(user, mine, "turn__plan__household")
        return self if q is None else self.filter(q)


class SwapRequest(models.Model):
    """Two carers exchange turns (each takes the other's), with the branch's approval."""

    area_scope_field = "turn__plan__household"

    turn = models.ForeignKey(Turn, verbose_name=_("turn"), on_delete=models.CASCADE, related_name="swaps_asked")
    other_turn = models.ForeignKey(Turn, verbose_name=_("in exchange for"), on_delete=models.CASCADE,
                                   related_name="swaps_offered")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    state = models.CharField(pgettext_lazy("swap", "state"), max_length=10, choices=SwapState.choices,
                             default=SwapState.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = SwapQuerySet.as_manager()

    class Meta:
        verbose_name = _("swap")
        verbose_name_plural = _("swaps")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.turn} ⇄ {self.other_turn}"



class CheckIn(models.TextChoices):
    CODE = "code", _("By the code on the household's card")
    REASON = "reason", _("By the visitor, with a reason")


class Condition(models.TextChoices):
    GOOD = "good", pgettext_lazy("condition", "Good")
    AS_BEFORE = "as_before", pgettext_lazy("condition", "As before")
    WORSE = "worse", pgettext_lazy("condition", "Worse")
    NEEDS_HELP = "needs_help", pgettext_lazy("condition", "Needs help now")


class CareVisitQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        mine = Q(visitor=user) | Q(plan__carers__user=user) | Q(plan__branch__secretary=user)
        q = _staff_or(user, mine, "plan__household")
        return self if q is None else self.filter(pk__in=models.Subquery(CareVisit.objects.filter(q).values("pk")))


class CareVisit(models.Model):
    """A visit recorded at the door: who came, when, how they checked in, what was done and how the
    person is; a problem found became a case or a co-building need."""

    area_scope_field = "plan__household"

    plan = models.ForeignKey(CarePlan, verbose_name=_("care plan"), on_delete=models.CASCADE, related_name="visits")
    turn = models.OneToOneField(Turn, verbose_name=_("turn"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="visit")
    carer = models.ForeignKey(Carer, verbose_name=_("carer"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="visits")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT,
                                related_name="care_visits")
    visited_at = models.DateTimeField(_("time of visit"), default=timezone.now)
    check_in = models.CharField(_("check-in"), max_length=10, choices=CheckIn.choices)
    check_in_reason = models.CharField(_("why no code"), max_length=200, blank=True)
    done = models.JSONField(_("what was done"), default=list, blank=True)  # CareNeed values
    notes = models.TextField(_("notes"), blank=True)
    condition = models.CharField(_("how the person is"), max_length=12, choices=Condition.choices,
                                 default=Condition.AS_BEFORE)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="care_visits")
    need = models.ForeignKey(Need, verbose_name=_("co-building need"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="care_visits")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = CareVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("care visit")
        verbose_name_plural = _("care visits")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["plan", "visited_at"], name="care_visit_plan_time_idx")]

    def __str__(self) -> str:
        return f"{self.plan} {timezone.localtime(self.visited_at):%Y-%m-%d}"


class ThroughVisitQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(visit__in=CareVisit.objects.visible_to(user))


class CareVisitPhoto(models.Model):
    area_scope_field = "visit__plan__household"

    visit = models.ForeignKey(CareVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="care/visits/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=30)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ThroughVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.file.name



class EmergencyState(models.TextChoices):
    OPEN = "open", pgettext_lazy("emergency", "Open")
    HANDLED = "handled", pgettext_lazy("emergency", "Handled")


class Emergency(models.Model):
    """An emergency found at the door: raised with one button, it tells the emergency contacts, the
    grid worker and the community at once and opens an urgent case."""

    area_scope_field = "plan__household"

    plan = models.ForeignKey(CarePlan, verbose_name=_("care plan"), on_delete=models.CASCADE, related_name="emergencies")
    visit = models.ForeignKey(CareVisit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="emergencies")
    description = models.TextField(_("what happened"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="care_emergencies")
    # Who was told at once: {"contacts": [names], "users": [user ids], "sms": n}.
    told = models.JSONField(_("told"), default=dict, blank=True)
    state = models.CharField(pgettext_lazy("emergency", "state"), max_length=10, choices=EmergencyState.choices,
                             default=EmergencyState.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_note = models.CharField(_("what was done"), max_length=300, blank=True)

    objects = ThroughPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.raised_at:%Y-%m-%d %H:%M}"


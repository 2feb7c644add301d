"""Honours (评先树优): public selections by the residents and awards scored by a panel, and the
honour roll they end on.

A `Selection` (每月好人, 最美家庭, 文明家庭, 好少年) belongs to a community (or a street) and a period
(a month or a year). Signed-in residents of its area nominate a person of the registry with a reason
inside the nomination window (`Nomination`; the nominee is shown by name only — for a family, as
"<name>家"); the community makes a short list with a note; the short list is put to a public online
vote of the verified residents through the vote engine (a vote among options, one person one vote,
a window, a sealed tally); the close counts it, and the announcement puts the option(s) with the
most votes on the honour roll — a tie honours every candidate that shares the most votes (并列).

An `AwardRound` (党建载体创新奖, 星级评定鼓励奖) of a street or the district takes nominations of
communities and units with a description of the entry; named panel members (accounts) each score
each nomination once on the round's criteria (`AwardCriterion`, with maximum points), never their own
community or unit; the result ranks the nominations by the panel's mean — the trimmed mean (one
highest and one lowest sheet dropped) once five or more sheets were given, as 评审 usually do — and
the first `winners` places (all who share the last winning score) are honoured.

An `Honour` is a line of the public honour roll of a community (`/honours/public/<code>/`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode, Unit
from gongzhi.core import scope
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet
from gongzhi.residents.models import Person
from gongzhi.votes.models import Vote, ancestor_paths, home_paths


class SelectionKind(models.TextChoices):
    GOOD_PERSON = "good_person", _("Good person of the month")  # 每月好人
    BEAUTIFUL_FAMILY = "beautiful_family", _("Most beautiful family")  # 最美家庭
    CIVILISED_FAMILY = "civilised_family", _("Civilised family")  # 文明家庭
    GOOD_YOUTH = "good_youth", _("Good youngster")  # 好少年


FAMILY_KINDS = (SelectionKind.BEAUTIFUL_FAMILY, SelectionKind.CIVILISED_FAMILY)


class SelectionState(models.TextChoices):
    NOMINATING = "nominating", _("Taking nominations")
    SHORTLISTED = "shortlisted", _("Short list made")
    VOTING = "voting", _("Public vote")
    COUNTED = "counted", _("Counted")
    ANNOUNCED = "announced", _("Announced")
    CANCELLED = "cancelled", pgettext_lazy("selection", "Cancelled")


class AwardKind(models.TextChoices):
    PARTY_INNOVATION = "party_innovation", _("Party-building innovation award")  # 党建载体创新奖
    STAR_ENCOURAGEMENT = "star_encouragement", _("Star rating encouragement award")  # 星级评定鼓励奖


class RoundState(models.TextChoices):
    NOMINATING = "nominating", _("Taking nominations")
    SCORING = "scoring", _("Panel scoring")
    DECIDED = "decided", _("Decided")
    CANCELLED = "cancelled", pgettext_lazy("selection", "Cancelled")


class HonourKind(models.TextChoices):
    GOOD_PERSON = SelectionKind.GOOD_PERSON.value, SelectionKind.GOOD_PERSON.label
    BEAUTIFUL_FAMILY = SelectionKind.BEAUTIFUL_FAMILY.value, SelectionKind.BEAUTIFUL_FAMILY.label
    CIVILISED_FAMILY = SelectionKind.CIVILISED_FAMILY.value, SelectionKind.CIVILISED_FAMILY.label
    GOOD_YOUTH = SelectionKind.GOOD_YOUTH.value, SelectionKind.GOOD_YOUTH.label
    PARTY_INNOVATION = AwardKind.PARTY_INNOVATION.value, AwardKind.PARTY_INNOVATION.label
    STAR_ENCOURAGEMENT = AwardKind.STAR_ENCOURAGEMENT.value, AwardKind.STAR_ENCOURAGEMENT.label


def _below_or_above(user, field: str) -> models.Q | None:
    """Rows whose area lies in the user's scope, or above it (a community's staff follow their
    street's selections and rounds). None: unrestricted."""
    paths = scope.scope_paths(user)
    if paths is None:
        return None
    q = scope.path_q(paths, field) if paths else models.Q(pk__in=[])
    above = sorted({p for path in paths for p in ancestor_paths(path)})
    if above:
        q |= models.Q(**{f"{field}__path__in": above})
    return q


class SelectionQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The selections of the user's area scope (and above it), and those of the areas a resident
        lives in."""
        q = _below_or_above(user, "area")
        if q is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        homes = home_paths(user)
        if homes:
            q |= models.Q(area__path__in=sorted({p for home in homes for p in ancestor_paths(home)}))
        return self.filter(q)


class Selection(models.Model):
    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="selections")
    kind = models.CharField(_("kind"), max_length=20, choices=SelectionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)  # empty: a yearly selection
    description = models.TextField(_("description"), blank=True)
    nominations_open_at = models.DateTimeField(_("nominations open"))
    nominations_close_at = models.DateTimeField(_("nominations close"))
    state = models.CharField(_("state"), max_length=12, choices=SelectionState.choices,
                             default=SelectionState.NOMINATING)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)
    shortlist_note = models.TextField(_("note on the short list"), blank=True)
    vote = models.OneToOneField(Vote, verbose_name=_("vote"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="selection")
    announcement = models.TextField(_("announcement"), blank=True)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(SelectionQuerySet)()

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["-year", "-month", "-id"]
        indexes = [models.Index(fields=["area", "state"], name="honours_selection_area_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_family(self) -> bool:
        return self.kind in FAMILY_KINDS

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"


class ThroughSelectionQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(selection__in=Selection.objects.visible_to(user).values("pk"))


class Nomination(models.Model):
    """A resident's nomination of a person of the registry (or, for a family, the person's household)
    with the reason. Only the name is shown; the person link stays inside for the staff."""

    area_scope_field = "selection__area"

    selection = models.ForeignKey(Selection, verbose_name=_("selection"), on_delete=models.CASCADE,
                                  related_name="nominations")
    person = models.ForeignKey(Person, verbose_name=_("nominee"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nominee"), max_length=60)  # as shown: the name, or "<name>家"
    reason = models.TextField(_("reason"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("nominated by"),
                                     on_delete=models.PROTECT, related_name="+")
    shortlisted = models.BooleanField(_("on the short list"), default=False)
    created_at = models.DateTimeField(_("nominated"), auto_now_add=True)

    objects = ThroughSelectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["selection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "person"], name="honours_nomination_once",
                                    violation_error_message=_("Already nominated in this selection.")),
        ]

    def __str__(self) -> str:
        return self.name


class RoundQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Rounds of the user's area scope or above it, the rounds the user sits on the panel of, and
        the rounds above a unit liaison's unit."""
        q = _below_or_above(user, "area")
        if q is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q |= models.Q(pk__in=PanelMember.objects.filter(user=user).values("round_id"))
        unit_area = getattr(getattr(user, "unit", None), "area", None)
        if unit_area is not None:
            q |= models.Q(area__path__in=ancestor_paths(unit_area.path))
        return self.filter(q)


class AwardRound(models.Model):
    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="award_rounds")
    kind = models.CharField(_("award"), max_length=20, choices=AwardKind.choices)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    nominations_close_at = models.DateTimeField(_("nominations close"))
    winners = models.PositiveSmallIntegerField(_("number of awards"), default=3)
    state = models.CharField(_("state"), max_length=12, choices=RoundState.choices, default=RoundState.NOMINATING)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(RoundQuerySet)()

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class ThroughRoundQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(round__in=AwardRound.objects.visible_to(user).values("pk"))


class AwardCriterion(models.Model):
    area_scope_field = "round__area"

    round = models.ForeignKey(AwardRound, verbose_name=_("award round"), on_delete=models.CASCADE,
                              related_name="criteria")
    name = models.CharField(_("criterion"), max_length=100)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ThroughRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="honours_criterion_once",
                                    violation_error_message=_("This criterion is already listed.")),
            models.CheckConstraint(condition=models.Q(max_points__gte=1) & models.Q(max_points__lte=100),
                                   name="honours_criterion_points",
                                   violation_error_message=_("From 1 to 100 points.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class PanelMember(models.Model):
    area_scope_field = "round__area"

    round = models.ForeignKey(AwardRound, verbose_name=_("award round"), on_delete=models.CASCADE,
                              related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("panel member"), on_delete=models.PROTECT,
                             related_name="award_panels")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = ThroughRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="honours_panel_once",
                                    violation_error_message=_("Already on the panel.")),
        ]

    def __str__(self) -> str:
        return str(self.user)


class AwardNomination(models.Model):
    """A community or a unit put forward for the award with a description of its entry; the panel's
    mean, rank and whether it won are frozen when the round is decided."""

    area_scope_field = "round__area"

    round = models.ForeignKey(AwardRound, verbose_name=_("award round"), on_delete=models.CASCADE,
                              related_name="nominations")
    community = models.ForeignKey(AreaNode, verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    name = models.CharField(_("nominee"), max_length=200)
    entry = models.CharField(_("entry"), max_length=200)  # the 载体 or work put forward
    description = models.TextField(_("description"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("nominated by"),
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("nominated"), auto_now_add=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    sheets = models.PositiveSmallIntegerField(_("score sheets"), default=0)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    is_winner = models.BooleanField(_("awarded"), default=False)

    objects = ThroughRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("award nomination")
        verbose_name_plural = _("award nominations")
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(community__isnull=False, unit__isnull=True)
                | models.Q(community__isnull=True, unit__isnull=False),
                name="honours_nominee_one", violation_error_message=_("Nominate a community or a unit."),
            ),
            models.UniqueConstraint(fields=["round", "community"], name="honours_award_community_once",
                                    condition=models.Q(community__isnull=False),
                                    violation_error_message=_("Already nominated in this round.")),
            models.UniqueConstraint(fields=["round", "unit"], name="honours_award_unit_once",
                                    condition=models.Q(unit__isnull=False),
                                    violation_error_message=_("Already nominated in this round.")),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.entry}"


class ScoreSheet(models.Model):
    """One panel member's scores of one nomination (one line per criterion). Given once: never edited."""

    area_scope_field = "nomination__round__area"

    nomination = models.ForeignKey(AwardNomination, verbose_name=_("award nomination"), on_delete=models.CASCADE,
                                   related_name="score_sheets")
    member = models.ForeignKey(PanelMember, verbose_name=_("panel member"), on_delete=models.PROTECT,
                               related_name="sheets")
    total = models.PositiveSmallIntegerField(_("total"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("scored"), auto_now_add=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["nomination", "id"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "member"], name="honours_sheet_once",
                                    violation_error_message=_("You have already scored this nomination.")),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} · {self.total}"


class ScoreLine(models.Model):
    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE,
                              related_name="lines")
    criterion = models.ForeignKey(AwardCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT,
                                  related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="honours_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class HonourQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self  # the honour roll is public


class Honour(models.Model):
    """A line of the honour roll: who was honoured (a name only), for what, when, and why."""

    area_scope_field = "community"

    community = models.ForeignKey(AreaNode, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="honours")
    kind = models.CharField(_("honour"), max_length=20, choices=HonourKind.choices)
    title = models.CharField(_("title"), max_length=200)
    name = models.CharField(_("honoured"), max_length=200)
    reason = models.TextField(_("reason"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    selection = models.ForeignKey(Selection, verbose_name=_("selection"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="honours")
    award_nomination = models.OneToOneField(AwardNomination, verbose_name=_("award nomination"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="honour")
    tied = models.BooleanField(_("tied"), default=False)  # honoured together with others sharing the most votes
    awarded_on = models.DateField(_("awarded on"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(HonourQuerySet)()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-awarded_on", "-id"]
        indexes = [models.Index(fields=["community", "-awarded_on"], name="honours_roll_idx")]

    def __str__(self) -> str:
        return f"{self.title} · {self.name}"

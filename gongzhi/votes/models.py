"""Votes that hold up: one engine for every vote a programme takes (a topic's resolution, an
election, a body's motion).

A `Vote` is taken either in a meeting (named roll call, show of hands entered as counts, or secret
ballot) or online in a window by the verified residents of an area (a resident whose account is
linked to a living, adult person of the registry in a household under the vote's area). The rules
of the 城市居民委员会组织法 are the defaults: a residents' meeting needs more than half of its
electorate (the adult residents, the households' representatives, or the resident groups'
representatives) to attend, and decides by more than half of those attending.

Who took part is a `Participation` (one per voter key: a person, a household when one household
has one vote, an attendance in a meeting); how they voted is a `Ballot`, found by a keyed hash of
the voter key (`voter_token`), so in a secret ballot neither the audit log nor the ballot table
says how a named person voted. At the close the counts are computed from the ballots, frozen, and
sealed by a SHA-256 of the ballots (`sealed_hash`), which `gongzhi votes-verify` recomputes.

A vote is a yes/no question (in favour, against, abstain) or, online, a choice among options
(`VoteOption`: the candidates of a public selection; one person one vote): its ballots carry the
option, the close freezes each option's count, and the option(s) with the most votes win — several
sharing the most is reported as a tie, never broken by the engine.

A `Proxy` (委托) lets a voter absent from a meeting be represented by someone present; its ballot
counts only when the holder is still present at the close.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet
from gongzhi.meetings.models import Attendance, Meeting, QuorumRule


class VoteMethod(models.TextChoices):
    ROLL_CALL = "roll_call", _("Named roll call")  # 记名表决
    SHOW_OF_HANDS = "show_of_hands", _("Show of hands")  # 举手表决 (counts entered)
    SECRET = "secret", _("Secret ballot")  # 无记名投票
    ONLINE = "online", _("Online vote")  # 网上投票, in a window


IN_MEETING_METHODS = (VoteMethod.ROLL_CALL, VoteMethod.SHOW_OF_HANDS, VoteMethod.SECRET)
# Methods where a ballot never carries the voter's name.
SECRET_METHODS = (VoteMethod.SECRET, VoteMethod.ONLINE)


class Electorate(models.TextChoices):
    """Who the quorum is counted against (城市居民委员会组织法 art. 21, and a body's own members)."""

    ADULT_RESIDENTS = "adult_residents", _("All adult residents")  # 全体十八周岁以上的居民
    HOUSEHOLDS = "households", _("One representative per household")  # 户的代表 (one household, one vote)
    GROUP_REPRESENTATIVES = "group_representatives", _("Representatives of the resident groups")  # 居民小组代表
    MEETING_MEMBERS = "meeting_members", _("The members of the body meeting")  # 两委, 党员大会 …


class PassRule(models.TextChoices):
    MORE_THAN_HALF_PRESENT = "half_present", _("More than half of those attending")  # 出席人的过半数
    TWO_THIRDS_PRESENT = "two_thirds_present", _("At least two thirds of those attending")
    MORE_THAN_HALF_ELECTORATE = "half_electorate", _("More than half of the whole electorate")


class VoteState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("vote", "Draft")
    OPEN = "open", pgettext_lazy("vote", "Open")
    CLOSED = "closed", pgettext_lazy("vote", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("vote", "Cancelled")


class VoteResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    REJECTED = "rejected", _("Not passed")
    INQUORATE = "inquorate", _("Quorum not reached")
    # A vote among options: one option has the most votes, several share the most (a tie), or nobody voted.
    CHOSEN = "chosen", pgettext_lazy("vote", "Chosen")
    TIE = "tie", pgettext_lazy("vote", "Tie")
    NO_BALLOTS = "no_ballots", _("No ballots cast")


class VoteKind(models.TextChoices):
    QUESTION = "question", _("Yes or no")  # in favour, against, abstain
    OPTIONS = "options", _("Choose one of the options")  # one person one vote among candidates


class Choice(models.TextChoices):
    YES = "yes", _("In favour")  # 赞成
    NO = "no", _("Against")  # 反对
    ABSTAIN = "abstain", _("Abstain")  # 弃权


def passes(rule: str, *, yes: int, attending: int, electorate: int) -> bool:
    """Whether `yes` votes carry the motion under `rule`. Exactly half is not more than half."""
    if rule == PassRule.TWO_THIRDS_PRESENT:
        return attending > 0 and yes * 3 >= attending * 2
    if rule == PassRule.MORE_THAN_HALF_ELECTORATE:
        return electorate > 0 and yes * 2 > electorate
    return attending > 0 and yes * 2 > attending


def ancestor_paths(path: str, steplen: int = AreaNode.steplen) -> list[str]:
    """The paths of a node and of every node above it (materialised paths: prefixes)."""
    return [path[:n] for n in range(steplen, len(path) + 1, steplen)]


class VoteQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Votes of the user's area scope; votes of meetings the user was invited to; online votes
        of the areas the user lives in (a resident follows the votes of the building, estate's
        community, grid and community of their household); votes the user took part in."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = models.Q(meeting_id__in=Attendance.objects.filter(user=user).values("meeting_id")) | models.Q(
            pk__in=Participation.objects.filter(user=user).values("vote_id")
        )
        homes = home_paths(user)
        if homes:
            above = sorted({p for home in homes for p in ancestor_paths(home)})
            mine |= models.Q(method=VoteMethod.ONLINE, area__path__in=above) & ~models.Q(state=VoteState.DRAFT)
        return self.filter(scope.path_q(paths, "area") | mine if paths else mine)


def home_paths(user) -> list[str]:
    """The tree paths of the households where the user is a living resident of the registry."""
    from gongzhi.residents.models import Person, PersonStatus

    cached = getattr(user, "_gongzhi_home_paths", None)
    if cached is None:
        cached = list(
            Person.objects.filter(user=user, status=PersonStatus.LIVING).values_list("household__path", flat=True)
        )
        user._gongzhi_home_paths = cached
    return cached


class Vote(models.Model):
    """One question put to a vote: yes, no or abstain."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="votes")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.PROTECT, related_name="votes"
    )
    # What the vote decides, in the owning programme's words ("topic:12", "election:3").
    reference = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    kind = models.CharField(_("kind of vote"), max_length=10, choices=VoteKind.choices, default=VoteKind.QUESTION)
    method = models.CharField(_("method"), max_length=16, choices=VoteMethod.choices)
    electorate = models.CharField(
        _("electorate"), max_length=24, choices=Electorate.choices, default=Electorate.MEETING_MEMBERS
    )
    quorum_rule = models.CharField(
        _("quorum"), max_length=16, choices=QuorumRule.choices, default=QuorumRule.MORE_THAN_HALF
    )
    pass_rule = models.CharField(
        _("majority"), max_length=20, choices=PassRule.choices, default=PassRule.MORE_THAN_HALF_PRESENT
    )
    allow_change = models.BooleanField(_("voters may change their vote until the close"), default=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)  # online votes: the window
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=VoteState.choices, default=VoteState.DRAFT)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Frozen when the vote opens (the electorate) and when it closes (the rest).
    electorate_count = models.PositiveIntegerField(_("electorate"), default=0)
    attending_count = models.PositiveIntegerField(_("attending"), default=0)
    yes_count = models.PositiveIntegerField(_("in favour"), default=0)
    no_count = models.PositiveIntegerField(_("against"), default=0)
    abstain_count = models.PositiveIntegerField(_("abstentions"), default=0)
    is_quorate = models.BooleanField(_("quorate"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=VoteResult.choices, blank=True)
    sealed_hash = models.CharField(_("seal"), max_length=64, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager.from_queryset(VoteQuerySet)()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "closes_at"], name="votes_vote_window_idx"),
            models.Index(fields=["area", "state"], name="votes_vote_area_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="online") | models.Q(meeting__isnull=True),
                name="votes_online_not_in_meeting",
                violation_error_message=_("An online vote is not taken in a meeting."),
            ),
            models.CheckConstraint(
                condition=models.Q(method="online") | models.Q(meeting__isnull=False),
                name="votes_in_meeting_has_meeting",
                violation_error_message=_("A vote by roll call, show of hands or ballot is taken in a meeting."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.method == VoteMethod.ONLINE

    @property
    def is_secret(self) -> bool:
        return self.method in SECRET_METHODS

    @property
    def counted(self) -> int:
        return self.yes_count + self.no_count + self.abstain_count

    @property
    def has_options(self) -> bool:
        return self.kind == VoteKind.OPTIONS


class ThroughVoteQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(vote__in=Vote.objects.visible_to(user).values("pk"))


class VoteOption(models.Model):
    """One of the options of a vote among options (a candidate of a selection): its label as shown
    on the ballot, what it stands for in the owning programme's words ("nomination:7"), its place on
    the ballot, and — frozen at the close — its count and whether it has the most votes."""

    area_scope_field = "vote__area"

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=100)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    count = models.PositiveIntegerField(_("votes"), default=0)
    is_winner = models.BooleanField(_("most votes"), default=False)

    objects = ThroughVoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["vote", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "label"], name="votes_option_label_once",
                                    violation_error_message=_("Two options cannot have the same label.")),
        ]

    def __str__(self) -> str:
        return self.label


class ParticipationVia(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    PROXY = "proxy", _("By proxy")  # 委托


class Participation(models.Model):
    """That someone took part in a vote (never how they voted). One per voter key: "person:<id>",
    "household:<id>" (one household, one vote), "attendance:<id>" (a voter in a meeting)."""

    area_scope_field = "vote__area"

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="participations")
    voter_key = models.CharField(_("voter"), max_length=40)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)  # shown to the staff running the vote
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="vote_participations",
    )
    attendance = models.ForeignKey(
        Attendance, verbose_name=_("attendance"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="vote_participations",
    )
    via = models.CharField(_("how"), max_length=10, choices=ParticipationVia.choices, default=ParticipationVia.ONLINE)
    proxy = models.ForeignKey(
        "Proxy", verbose_name=_("proxy"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    objects = ThroughVoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["vote", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "voter_key"], name="votes_participation_once",
                violation_error_message=_("This voter has already voted."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.vote}"


class Ballot(models.Model):
    """How one voter voted. `voter_token` is an HMAC of the vote and the voter key under the
    server's key: it makes "one ballot per voter" a unique constraint and lets a voter change their
    own ballot before the close, while the table names nobody in a secret vote. In a named roll
    call, `name` carries the voter's name (read out and minuted)."""

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="ballots")
    voter_token = models.CharField(max_length=64)
    # A yes/no question: the choice; a vote among options: the option (and no choice).
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices, blank=True)
    option = models.ForeignKey(
        VoteOption, verbose_name=_("option"), null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)  # roll call only
    proxy = models.ForeignKey(
        "Proxy", verbose_name=_("proxy"), null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    # Whether the ballot counted at the close (a proxy whose holder left does not).
    counted = models.BooleanField(_("counted"), default=True)
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "voter_token"], name="votes_ballot_once",
                violation_error_message=_("This voter has already voted."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.vote_id} · {self.get_choice_display() if self.choice else self.option_id}"


class Proxy(models.Model):
    """A voter absent from the meeting (a household, a member) represented by one who is present:
    the holder's attendance. Counted only while the holder is present."""

    area_scope_field = "vote__area"

    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="proxies")
    grantor_key = models.CharField(_("represented voter"), max_length=40)
    grantor_name = models.CharField(_("represented"), max_length=50)
    grantor_attendance = models.ForeignKey(
        Attendance, verbose_name=_("represented member"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    holder = models.ForeignKey(
        Attendance, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="proxies_held"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)  # the written authorisation
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ThroughVoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        ordering = ["vote", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "grantor_key"], name="votes_proxy_once",
                violation_error_message=_("This voter is already represented by a proxy."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.grantor_name} → {self.holder.name}"

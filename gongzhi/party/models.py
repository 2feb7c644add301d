"""The party organisation tree (区委 → 街道党工委 → 社区党委/党总支 → 党支部 → 党小组), its members
(incl. 在职党员 who 双报到 to a home community), and the regional alliances (区级大联盟, 街道大工委,
社区大党委) with their member units (驻区单位) and the people who represent them.

Every organisation is attached to a node of the area tree; its scope is that node's subtree."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

from gongzhi.areas.models import AreaKind, AreaNode, ScopedTreeManager, Unit
from gongzhi.core import scope
from gongzhi.core.pii import PHONE, EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet


class OrgKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", _("District party committee")
    STREET_WORKING_COMMITTEE = "street_working_committee", _("Street party working committee")
    COMMUNITY_COMMITTEE = "community_committee", _("Community party committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


# Which kind of organisation may hang under which (None: a root).
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    OrgKind.DISTRICT_COMMITTEE: (None,),
    OrgKind.STREET_WORKING_COMMITTEE: (OrgKind.DISTRICT_COMMITTEE,),
    OrgKind.COMMUNITY_COMMITTEE: (OrgKind.STREET_WORKING_COMMITTEE,),
    OrgKind.GENERAL_BRANCH: (OrgKind.STREET_WORKING_COMMITTEE, OrgKind.COMMUNITY_COMMITTEE),
    OrgKind.BRANCH: (OrgKind.STREET_WORKING_COMMITTEE, OrgKind.COMMUNITY_COMMITTEE, OrgKind.GENERAL_BRANCH),
    OrgKind.GROUP: (OrgKind.BRANCH,),
}

# Which kinds of area node an organisation of each kind may be attached to. Its area must also
# lie inside its parent's area (a group inside its branch's area, and so on).
ALLOWED_AREA_KINDS: dict[str, tuple[str, ...]] = {
    OrgKind.DISTRICT_COMMITTEE: (AreaKind.DISTRICT,),
    OrgKind.STREET_WORKING_COMMITTEE: (AreaKind.STREET,),
    OrgKind.COMMUNITY_COMMITTEE: (AreaKind.COMMUNITY,),
    OrgKind.GENERAL_BRANCH: (AreaKind.COMMUNITY, AreaKind.GRID),
    OrgKind.BRANCH: (AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING),
    OrgKind.GROUP: (AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING),
}

# Kinds that may sit in a resident unit (a branch in a property company, school, enterprise …).
UNIT_KINDS = (OrgKind.GENERAL_BRANCH, OrgKind.BRANCH)
# Kinds that hold members directly.
MEMBER_ORG_KINDS = (OrgKind.BRANCH, OrgKind.GROUP)

LEVEL_ORDER = [k.value for k in OrgKind]


class PartyOrganization(MP_Node):
    """A party organisation; the materialised `path` (treebeard) makes its subtree one prefix match."""

    area_scope_field = "area"

    kind = models.CharField(_("kind"), max_length=30, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("organisation code"), max_length=40, blank=True)
    area = models.ForeignKey(
        AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="party_organizations"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_organizations",
        help_text=_("For a branch in a property company, school, enterprise or other resident unit."),
    )
    is_grid_branch = models.BooleanField(_("grid branch"), default=False)
    secretary_name = models.CharField(_("secretary"), max_length=50, blank=True)
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedTreeManager()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="party_org_unique_code",
                violation_error_message=_("Another party organisation already has this code."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in OrgKind]),
                name="party_org_kind_valid",
                violation_error_message=_("Choose a valid kind of party organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_grid_branch=False) | models.Q(kind=OrgKind.BRANCH),
                name="party_org_grid_branch_is_branch",
                violation_error_message=_("Only a party branch can be a grid branch."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.kind in ALLOWED_AREA_KINDS and self.area_id:
            allowed = ALLOWED_AREA_KINDS[self.kind]
            if self.is_grid_branch:
                allowed = (AreaKind.GRID,)
            if self.area.kind not in allowed:
                errors["area"] = [
                    _("A %(kind)s is attached to an area node of kind: %(allowed)s.")
                    % {"kind": OrgKind(self.kind).label, "allowed": "、".join(str(AreaKind(k).label) for k in allowed)}
                ]
        if self.unit_id and self.kind not in UNIT_KINDS:
            errors["unit"] = [_("Only a branch or general branch can sit in a resident unit.")]
        if self.is_grid_branch and self.kind != OrgKind.BRANCH:
            errors["is_grid_branch"] = [_("Only a party branch can be a grid branch.")]
        if errors:
            raise ValidationError(errors)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class PartyMemberQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """Members of the organisations in the user's area scope, and in-service members who
        registered (双报到) with a community in it."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not paths:
            return self.none()
        return self.filter(scope.path_q(paths, "organization__area") | scope.path_q(paths, "home_community"))


class PartyMember(PersonalCopiesMixin, models.Model):
    """A party member in a branch or party group. In-service members (在职党员) also register
    with the community they live in (双报到).

    The phone is personal data: stored encrypted (`gongzhi.core.pii`), with a masked copy for
    display and a keyed hash for exact search, both kept by save(); the full number is read only
    through `services.member_reveal_phone` (permission + audit event)."""

    area_scope_field = "organization__area"

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    joined_on = models.DateField(_("joined the party"), null=True, blank=True)
    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind__in": MEMBER_ORG_KINDS},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_memberships",
    )
    status = models.CharField(pgettext_lazy("party member", "status"), max_length=15, choices=MemberStatus.choices, default=MemberStatus.FULL)
    is_in_service = models.BooleanField(_("in-service member"), default=False)
    employer = models.ForeignKey(
        Unit,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employed_party_members",
    )
    employer_name = models.CharField(
        _("employer name"), max_length=200, blank=True, help_text=_("When the employer is not a registered unit.")
    )
    home_community = models.ForeignKey(
        AreaNode,
        verbose_name=_("home community (dual registration)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_party_members",
        limit_choices_to={"kind": AreaKind.COMMUNITY},
    )
    phone = EncryptedCharField(_("phone"), kind=PHONE, max_length=20)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    phone_hash = models.CharField(_("phone hash"), max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["organization", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(user__isnull=False),
                name="party_member_unique_user",
                violation_error_message=_("This user account is already linked to another party member."),
            ),
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True) | models.Q(birth_year__gte=1900, birth_year__lte=2100),
                name="party_member_birth_year_range",
                violation_error_message=_("The year of birth must lie between 1900 and 2100."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_in_service=True) | (models.Q(employer__isnull=True) & models.Q(employer_name="")),
                name="party_member_employer_only_in_service",
                violation_error_message=_("Only an in-service member has an employer."),
            ),
        ]
        indexes = [models.Index(fields=["home_community"], name="party_member_home_idx")]
        permissions = [("reveal_phone", "Can reveal full phone numbers of party members")]

    def __str__(self) -> str:
        return self.name

    @property
    def employer_display(self) -> str:
        return self.employer.name if self.employer_id else self.employer_name

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.organization_id and self.organization.kind not in MEMBER_ORG_KINDS:
            errors["organization"] = [_("A member belongs to a party branch or a party group.")]
        if self.home_community_id and self.home_community.kind != AreaKind.COMMUNITY:
            errors["home_community"] = [_("Choose a community.")]
        if self.home_community_id and not self.is_in_service:
            errors["home_community"] = [_("Only in-service members register with a home community.")]
        if not self.is_in_service and (self.employer_id or self.employer_name):
            errors["employer"] = [_("Only an in-service member has an employer.")]
        if self.birth_year and not (1900 <= self.birth_year <= timezone.localdate().year):
            errors["birth_year"] = [_("Enter a real year of birth.")]
        if self.joined_on and self.joined_on > timezone.localdate():
            errors["joined_on"] = [_("The date of joining cannot lie in the future.")]
        if self.phone and not all(c.isdigit() or c in "+- " for c in self.phone):
            errors["phone"] = [_("A phone number holds digits, spaces, “+” and “-” only.")]
        if errors:
            raise ValidationError(errors)


class AllianceLevel(models.TextChoices):
    DISTRICT = "district", _("District alliance")
    STREET = "street", _("Street grand working committee")
    COMMUNITY = "community", _("Community grand party committee")


class MeetingCadence(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    QUARTERLY = "quarterly", _("Quarterly")
    BIMONTHLY = "bimonthly", _("Every two months")
    MONTHLY = "monthly", _("Monthly")


CADENCE_DAYS = {
    MeetingCadence.YEARLY: 365,
    MeetingCadence.QUARTERLY: 91,
    MeetingCadence.BIMONTHLY: 61,
    MeetingCadence.MONTHLY: 30,
}

# Per seed 002: the alliance meets once a year, the 大工委 each quarter, the 大党委 every two months.
DEFAULT_CADENCE = {
    AllianceLevel.DISTRICT: MeetingCadence.YEARLY,
    AllianceLevel.STREET: MeetingCadence.QUARTERLY,
    AllianceLevel.COMMUNITY: MeetingCadence.BIMONTHLY,
}
ALLIANCE_AREA_KIND = {
    AllianceLevel.DISTRICT: AreaKind.DISTRICT,
    AllianceLevel.STREET: AreaKind.STREET,
    AllianceLevel.COMMUNITY: AreaKind.COMMUNITY,
}
ALLIANCE_LEADING_KINDS = {
    AllianceLevel.DISTRICT: (OrgKind.DISTRICT_COMMITTEE,),
    AllianceLevel.STREET: (OrgKind.STREET_WORKING_COMMITTEE,),
    AllianceLevel.COMMUNITY: (OrgKind.COMMUNITY_COMMITTEE, OrgKind.GENERAL_BRANCH),
}


class Alliance(models.Model):
    """A regional party-building body (区级大联盟, 街道大工委, 社区大党委) led by the party
    organisation of its area, with resident units as members."""

    area_scope_field = "area"

    level = models.CharField(_("level"), max_length=12, choices=AllianceLevel.choices)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="alliances")
    leading_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("leading organisation"),
        on_delete=models.PROTECT,
        related_name="led_alliances",
    )
    meeting_cadence = models.CharField(_("meeting cadence"), max_length=12, choices=MeetingCadence.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["area__path", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "level"],
                name="alliance_unique_level_in_area",
                violation_error_message=_("This area already has an alliance of this level."),
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=[k.value for k in AllianceLevel]),
                name="alliance_level_valid",
                violation_error_message=_("Choose a valid alliance level."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def meeting_interval_days(self) -> int:
        return CADENCE_DAYS.get(self.meeting_cadence, 0)

    def clean(self):
        errors: dict[str, list[str]] = {}
        if self.level in ALLIANCE_AREA_KIND and self.area_id and self.area.kind != ALLIANCE_AREA_KIND[self.level]:
            errors["area"] = [
                _("A %(level)s belongs to an area node of kind %(kind)s.")
                % {"level": AllianceLevel(self.level).label, "kind": AreaKind(ALLIANCE_AREA_KIND[self.level]).label}
            ]
        if self.level in ALLIANCE_LEADING_KINDS and self.leading_organization_id:
            lead = self.leading_organization
            if lead.kind not in ALLIANCE_LEADING_KINDS[self.level]:
                errors["leading_organization"] = [
                    _("A %(level)s is led by: %(kinds)s.")
                    % {
                        "level": AllianceLevel(self.level).label,
                        "kinds": "、".join(str(OrgKind(k).label) for k in ALLIANCE_LEADING_KINDS[self.level]),
                    }
                ]
            elif self.area_id and lead.area_id != self.area_id:
                errors["leading_organization"] = [_("The leading organisation must be attached to the alliance's area.")]
        if errors:
            raise ValidationError(errors)


class AllianceRole(models.TextChoices):
    MEMBER_UNIT = "member_unit", _("Member unit")
    PART_TIME_MEMBER = "part_time_member", _("Part-time committee member")


class AllianceMember(models.Model):
    """A resident unit in an alliance, with the person who represents it."""

    area_scope_field = "alliance__area"

    alliance = models.ForeignKey(Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="alliance_memberships")
    representative_name = models.CharField(_("representative"), max_length=50)
    representative_title = models.CharField(_("representative's title"), max_length=100, blank=True)
    role = models.CharField(_("role in the alliance"), max_length=20, choices=AllianceRole.choices,
                            default=AllianceRole.MEMBER_UNIT)
    joined_on = models.DateField(_("joined"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("alliance member unit")
        verbose_name_plural = _("alliance member units")
        ordering = ["alliance", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "unit"],
                name="alliance_member_unique_unit",
                violation_error_message=_("This unit is already a member of the alliance."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.alliance}"

    def clean(self):
        if self.alliance_id and self.unit_id and not self.unit.area.path.startswith(self.alliance.area.path):
            raise ValidationError({"unit": [_("The unit lies outside the alliance's area.")]})

"""The area tree (district → street → community → grid → building → unit → household), estates,
and the registries of units (驻区单位) and district departments that sit in it."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from gongzhi.core import scope
from gongzhi.core.pii import PHONE, EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedManager, ScopedQuerySet


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street / township")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building / courtyard")
    UNIT = "unit", _("Entrance unit")
    HOUSEHOLD = "household", _("Household")


# Which kind of node may hang under which (None: a root).
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    AreaKind.DISTRICT: (None,),
    AreaKind.STREET: (AreaKind.DISTRICT,),
    AreaKind.COMMUNITY: (AreaKind.STREET,),
    AreaKind.GRID: (AreaKind.COMMUNITY,),
    AreaKind.BUILDING: (AreaKind.GRID,),
    AreaKind.UNIT: (AreaKind.BUILDING,),
    AreaKind.HOUSEHOLD: (AreaKind.UNIT, AreaKind.BUILDING),
}

# Digits each kind adds to its parent's code: a grid code is 6+3+3+3 = 15 digits.
CODE_SUFFIX_DIGITS: dict[str, int] = {
    AreaKind.DISTRICT: 6,
    AreaKind.STREET: 3,
    AreaKind.COMMUNITY: 3,
    AreaKind.GRID: 3,
    AreaKind.BUILDING: 3,
    AreaKind.UNIT: 2,
    AreaKind.HOUSEHOLD: 4,
}

LEVEL_ORDER = [k.value for k in AreaKind]

_DIGITS = re.compile(r"^\d+$")

# Kinds whose names run together in an address (铁建丽苑 3号楼2单元301室), after the estate's name.
_JOINED_KINDS = (AreaKind.BUILDING, AreaKind.UNIT, AreaKind.HOUSEHOLD)


def validate_outline(value) -> None:
    """An outline is a polygon: a list of at least three [longitude, latitude] pairs (or empty)."""
    if value in (None, "", []):
        return
    message = _("An outline is a list of at least three [longitude, latitude] points, e.g. [[103.76, 36.05], …].")
    if not isinstance(value, list) or len(value) < 3:
        raise ValidationError(message, code="outline")
    for point in value:
        if (
            not isinstance(point, (list, tuple))
            or len(point) != 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in point)
        ):
            raise ValidationError(message, code="outline")
        lng, lat = point
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise ValidationError(
                _("The point %(point)s lies outside the earth's longitudes and latitudes.") % {"point": list(point)},
                code="outline",
            )


def address_text(names: list[tuple[str, str]], *, estate: str = "") -> str:
    """The address people say, from (kind, name) pairs top-down: the district is left out below
    the street, the estate's name comes before the building, and building, unit and flat run
    together — “西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元301室”."""
    if len(names) > 1 and names[0][0] == AreaKind.DISTRICT:
        names = names[1:]
    parts: list[str] = []
    tail = ""
    for kind, name in names:
        if kind in _JOINED_KINDS:
            if kind == AreaKind.BUILDING and estate and not name.startswith(estate):
                parts.append(estate)
            tail += name
        else:
            parts.append(name)
    if tail:
        parts.append(tail)
    return " ".join(parts)


def code_error(*, kind: str, code: str, parent_code: str | None) -> str | None:
    """Why `code` is not a valid standard code for a node of `kind` under `parent_code`, or None."""
    if not code or not _DIGITS.match(code):
        return str(_("The code must consist of digits only."))
    expected = (len(parent_code) if parent_code else 0) + CODE_SUFFIX_DIGITS[kind]
    if len(code) != expected:
        return str(
            _("A %(kind)s code has %(n)d digits; “%(code)s” has %(m)d.")
            % {"kind": AreaKind(kind).label, "n": expected, "code": code, "m": len(code)}
        )
    if parent_code and not code.startswith(parent_code):
        return str(_("The code must begin with the parent's code %(parent)s.") % {"parent": parent_code})
    if code[len(parent_code or "") :].strip("0") == "":
        return str(_("The node's own digits cannot all be zero."))
    return None


class ScopedTreeQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    """A treebeard materialised-path queryset (its subtree-aware delete and all) that also answers
    `visible_to(user)`: the area scope, like every scoped model."""


class ScopedTreeManager(MP_NodeManager):
    """treebeard's tree manager (add_root, add_child, move, get_children …) over ScopedTreeQuerySet."""

    def get_queryset(self):
        return ScopedTreeQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user):
        return self.get_queryset().visible_to(user)

    def visible_or_404(self, user, message=None, **lookup):
        return self.get_queryset().visible_or_404(user, message, **lookup)


class AreaNode(MP_Node):
    """A node of the area tree. The materialised `path` (treebeard) makes subtree queries one
    indexed prefix match; `code` is the standard code people use."""

    area_scope_field = ""  # the node itself

    kind = models.CharField(_("kind"), max_length=12, choices=AreaKind.choices, db_index=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    estate = models.ForeignKey(
        "Estate",
        verbose_name=_("estate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    outline = models.JSONField(
        _("outline"),
        default=list,
        blank=True,
        validators=[validate_outline],
        help_text=_("The area's boundary on the map (grids, communities): a list of [longitude, latitude] points."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedTreeManager()

    class Meta:
        verbose_name = _("area node")
        verbose_name_plural = _("area nodes")
        ordering = ["path"]
        indexes = [
            # A node's children (treebeard: depth = d + 1 and a path range): the streets of a
            # district of 300,000 households read a few index entries, not the district's subtree.
            models.Index(fields=["depth", "path"], name="areanode_depth_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def full_name(self) -> str:
        """The address people say (`address_text`): “西站街道 瓜州路社区 第1网格 铁建丽苑 3号楼2单元”.
        One query for the ancestors, cached on the node; `areas.selectors.addresses` fills the cache
        of many nodes in one query."""
        cached = getattr(self, "_address", None)
        if cached is None:
            chain = list(type(self).objects.get_ancestors(self).select_related("estate")) + [self]
            estate = next((n.estate.name for n in chain if n.kind == AreaKind.BUILDING and n.estate_id), "")
            cached = self._address = address_text([(n.kind, n.name) for n in chain], estate=estate)
        return cached


class Estate(PersonalCopiesMixin, models.Model):
    """A residential estate (小区) in a community, with its property company and owners' committee.

    The owners' committee's contact is a person: their name (plain) and their phone (encrypted,
    with a masked copy for display; the full number through `services.contact_reveal`)."""

    area_scope_field = "community"

    community = models.ForeignKey(
        AreaNode,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="estates",
        limit_choices_to={"kind": AreaKind.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    property_company = models.ForeignKey(
        "Unit",
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_estates",
    )
    owners_committee = models.CharField(_("owners' committee"), max_length=200, blank=True)
    owners_committee_contact_name = models.CharField(_("owners' committee contact"), max_length=100, blank=True)
    owners_committee_phone = EncryptedCharField(_("owners' committee phone"), kind=PHONE, max_length=20)
    owners_committee_phone_masked = models.CharField(
        _("owners' committee phone"), max_length=20, blank=True, editable=False
    )
    outline = models.JSONField(
        _("outline"),
        default=list,
        blank=True,
        validators=[validate_outline],
        help_text=_("The estate's boundary on the map: a list of [longitude, latitude] points."),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="estate_unique_name_in_community",
                violation_error_message=_("This community already has an estate of that name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.community_id and self.community.kind != AreaKind.COMMUNITY:
            raise ValidationError({"community": _("An estate belongs to a community node.")})


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    SOCIAL_ORG = "social_org", _("Social organisation")
    PROPERTY_COMPANY = "property_company", _("Property company")
    AGENCY = "agency", _("Government agency / public institution")
    OTHER = "other", _("Other")


class Unit(PersonalCopiesMixin, models.Model):
    """An organisation resident in an area (驻区单位): enterprise, school, hospital, property company …

    The contact phone is a person's number: stored encrypted, with a masked copy for display (the
    full number through `services.contact_reveal`)."""

    area_scope_field = "area"

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, help_text=_("18 characters, checked.")
    )
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="resident_units")
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("contact phone"), kind=PHONE, max_length=20)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=20, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="unit_unique_credit_code",
                violation_error_message=_("A unit with this credit code is already registered."),
            )
        ]
        permissions = [("reveal_contact", "Can reveal full contact phone numbers of units, estates and departments")]

    def __str__(self) -> str:
        return self.name


class DepartmentQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """A district's departments serve all of it: everyone who works somewhere in a district sees
        its departments, and department staff see their own department."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        districts = {p[: AreaNode.steplen] for p in paths}
        own = getattr(user, "department_id", None)
        if own:
            return self.filter(models.Q(pk=own) | models.Q(district__path__in=districts))
        if not districts:
            return self.none()
        return self.filter(district__path__in=districts)


class Department(PersonalCopiesMixin, models.Model):
    """A functional department of the district (城管, 住建, 民政 …) that cases are routed or whistled to.

    Its duty phone is often a person's mobile: stored encrypted like every phone of the product,
    with a masked copy for display."""

    area_scope_field = "district"

    district = models.ForeignKey(
        AreaNode,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="departments",
        limit_choices_to={"kind": AreaKind.DISTRICT},
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=20)
    phone = EncryptedCharField(_("duty phone"), kind=PHONE, max_length=30)
    phone_masked = models.CharField(_("duty phone"), max_length=30, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["district", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "code"],
                name="department_unique_code_in_district",
                violation_error_message=_("This district already has a department with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

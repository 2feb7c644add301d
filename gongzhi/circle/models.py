"""The 10-minute service circle (10分钟生活圈): service points and providers around the community,
the nearest help within a walk, orders from the service menu (点单 → 派单 → 接单 → 评单), room
bookings at the points, and the one-stop hall's service guide (办事指南) with appointments.

Service points are the places of every level — the district's 党群服务中心 and 新时代文明实践中心,
the street's 文明实践所, the community's 站 and its 五家一站 homes, the estates' 红色驿站/驿家 and
the convenience room (便民服务室) of every community. Providers are businesses, social
organisations, volunteer teams and units who serve within an area around their own place.

Who sees what is written once per model in its queryset's `visible_to`: points, rooms, providers,
offerings, the menu and the guide are a public directory (every signed-in user sees the active ones;
the staff of the area scope also the inactive ones); an order is seen by who ordered it, the
provider's account and the staff of the order's place; a booking or an appointment by its person
and the staff of the point's area. A provider's private phone is personal data (encrypted, masked,
every reveal audited).

Places carry a grid cell (`cell_x`, `cell_y`: CELL_DEGREES squares of longitude and latitude,
indexed) so that the nearest-within-a-walk search reads only the cells a walk can reach.
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.areas.models import AreaNode, Unit
from gongzhi.core import permissions, scope
from gongzhi.core.pii import EncryptedCharField, PersonalCopiesMixin
from gongzhi.core.visibility import ScopedQuerySet
from gongzhi.volunteers.models import Team

# The side of a grid cell in degrees (≈ 280 m of latitude; narrower in longitude away from the equator).
CELL_DEGREES = 0.0025


def cell_of(latitude, longitude) -> tuple[int | None, int | None]:
    """The grid cell (x, y) of a point, or (None, None) for a place without coordinates."""
    if latitude is None or longitude is None:
        return None, None
    return math.floor(float(longitude) / CELL_DEGREES), math.floor(float(latitude) / CELL_DEGREES)


def _kept_paths(user) -> list[str] | None:
    """The area paths whose circle the user keeps ([] for none; None: every area)."""
    if not getattr(user, "is_authenticated", False):
        return []
    paths = scope.scope_paths(user)
    if paths is None:
        return None
    return paths if paths and permissions.can(user, "circle.keep") else []


def _directory(queryset: models.QuerySet, user, field: str) -> models.QuerySet:
    """A public directory: the active rows for everyone signed in; the staff of the area scope who
    keep the circle also see the inactive rows of their areas."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    kept = _kept_paths(user)
    if kept is None:
        return queryset
    return queryset.filter(Q(active=True) | scope.path_q(kept, field)) if kept else queryset.filter(active=True)


class Located(models.Model):
    """A place on the map with its grid cell."""

    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    cell_x = models.IntegerField(null=True, blank=True, editable=False)
    cell_y = models.IntegerField(null=True, blank=True, editable=False)
    # Opening hours: [{"days": [0, 1, 2, 3, 4], "opens": "08:30", "closes": "17:30"}, …] (Monday 0 … Sunday 6);
    # empty: no fixed hours (always open, or by appointment).
    hours = models.JSONField(_("opening hours"), default=list, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.cell_x, self.cell_y = cell_of(self.latitude, self.longitude)
        if kwargs.get("update_fields") is not None and {"latitude", "longitude"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"cell_x", "cell_y"}
        super().save(*args, **kwargs)


# --- service points ---------------------------------------------------------------------------


class PointLevel(models.TextChoices):
    DISTRICT = "district", _("District centre")  # 区中心
    STREET = "street", _("Street station")  # 街道所
    COMMUNITY = "community", _("Community point")  # 社区站
    ESTATE = "estate", _("Estate post")  # 小区驿站


class PointKind(models.TextChoices):
    PARTY_CENTRE = "party_centre", _("Party and people's service centre")  # 党群服务中心
    CIVILITY_CENTRE = "civility_centre", _("Civilisation practice centre")  # 新时代文明实践中心
    CIVILITY_INSTITUTE = "civility_institute", _("Civilisation practice institute")  # 文明实践所
    CIVILITY_STATION = "civility_station", _("Civilisation practice station")  # 文明实践站
    RED_STATION = "red_station", _("Red post")  # 红色驿站
    RED_HOME = "red_home", _("Red home")  # 红色驿家
    CHILDREN_HOME = "children_home", _("Children's home")  # 少年之家
    YOUTH_HOME = "youth_home", _("Youth home")  # 青年之家
    ELDERLY_HOME = "elderly_home", _("Elderly home")  # 老年之家
    WOMEN_HOME = "women_home", _("Women's home")  # 妇女之家
    CAPTAIN_HOME = "captain_home", _("Captains' home")  # 船长之家
    VOLUNTEER_STATION = "volunteer_station", _("Volunteer service station")  # 志愿者服务站
    CLUB = "club", _("Club")  # 放学来吧、饭后来吧、出海来吧
    CONVENIENCE_ROOM = "convenience_room", _("Convenience room")  # 便民服务室（诉求一室解）
    SERVICE_HALL = "service_hall", _("One-stop service hall")  # 一站式服务大厅（许可一厅办）


class PointQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _directory(self, user, "area")


class ServicePoint(Located):
    """A place residents come to: its level, hours, rooms, services, contacts, photos and ratings.
    `keeper` is the account that runs it (checks in bookings, calls the hall's queue)."""

    area_scope_field = "area"

    name = models.CharField(pgettext_lazy("place", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=PointKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=PointLevel.choices)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="service_points",
                             help_text=_("The district, street, community or estate node the point serves."))
    hotline = models.CharField(_("public phone"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("keeper's account"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="kept_service_points")
    # The one-stop hall: how many people may book one half-hour slot of one matter.
    slot_capacity = models.PositiveSmallIntegerField(_("appointments per half hour"), default=2,
                                                     validators=[MinValueValidator(1), MaxValueValidator(50)])
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = PointQuerySet.as_manager()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["area__path", "level", "name", "id"]
        indexes = [models.Index(fields=["cell_x", "cell_y"], name="circle_point_cell_idx")]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="circle_point_name_per_area",
                                               violation_error_message=_("This area already has a point of that name."))]

    def __str__(self) -> str:
        return self.name


class PointPhoto(models.Model):
    point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), on_delete=models.CASCADE,
                              related_name="photos")
    image = models.ImageField(_("photo"), upload_to="circle/points/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("point photo")
        verbose_name_plural = _("point photos")
        ordering = ["point", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class PointRating(models.Model):
    """A resident's stars for a point (one each; a second rating replaces the first)."""

    point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), on_delete=models.CASCADE,
                              related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.CASCADE,
                             related_name="point_ratings")
    stars = models.PositiveSmallIntegerField(_("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("point rating")
        verbose_name_plural = _("point ratings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "user"], name="circle_rating_one_per_user"),
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="circle_rating_stars_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.stars}"


class RoomKind(models.TextChoices):
    MEETING = "meeting", _("Meeting room")  # 党群会客厅
    CINEMA = "cinema", _("Cinema")  # 百姓影院
    GYM = "gym", _("Gym")  # 百姓健身房
    CLASSROOM = "classroom", _("Classroom")  # 课堂、讲堂
    ACTIVITY = "activity", _("Activity room")  # 活动室


class RoomQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(point__in=ServicePoint.objects.visible_to(user))


class Room(models.Model):
    """A room of a point that residents may book by slots (half an hour by default)."""

    area_scope_field = "point__area"

    point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), on_delete=models.CASCADE,
                              related_name="rooms")
    name = models.CharField(pgettext_lazy("place", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField(_("seats"), default=20)
    bookable = models.BooleanField(_("bookable"), default=True)
    slot_minutes = models.PositiveSmallIntegerField(_("slot (minutes)"), default=30,
                                                    validators=[MinValueValidator(15), MaxValueValidator(240)])
    max_slots = models.PositiveSmallIntegerField(_("at most slots a booking"), default=4,
                                                 validators=[MinValueValidator(1), MaxValueValidator(24)])
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["point", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["point", "name"], name="circle_room_name_per_point",
                                               violation_error_message=_("This point already has a room of that name."))]

    def __str__(self) -> str:
        return f"{self.point} · {self.name}"


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


# The states in which a booking holds its room.
HOLDING_BOOKING_STATES = (BookingState.BOOKED, BookingState.CHECKED_IN)


class BookingQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _own_or_staff(self, user, Q(booked_by=user) | Q(room__point__keeper=user), "room__point__area")


def _own_or_staff(queryset: models.QuerySet, user, mine: Q, field: str) -> models.QuerySet:
    """Rows that are the user's own (`mine`) or of the area scope of staff who may read the circle."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    paths = scope.scope_paths(user)
    if paths is None:
        return queryset
    if paths and permissions.can(user, "circle.view_list"):
        return queryset.filter(scope.path_q(paths, field) | mine)
    return queryset.filter(mine)


class RoomBooking(models.Model):
    area_scope_field = "room__point__area"

    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="bookings")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.PROTECT,
                                  related_name="room_bookings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    purpose = models.CharField(_("purpose"), max_length=200)
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    state = models.CharField(_("state"), max_length=12, choices=BookingState.choices, default=BookingState.BOOKED)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["room", "starts_at"], name="circle_booking_room_time_idx")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="circle_booking_ends_after_start",
                                              violation_error_message=_("A booking must end after it starts."))]

    def __str__(self) -> str:
        return f"{self.room} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


# --- the service menu and the providers ---------------------------------------------------------


class ServiceKind(models.TextChoices):
    HOME = "home", _("Home service")  # 送餐、家政
    REPAIR = "repair", _("Repair")  # 通下水、水暖、开锁
    LECTURE = "lecture", _("Lecture")  # 宣讲
    ACTIVITY = "activity", _("Activity")  # 活动
    JOBS = "jobs", _("Jobs")  # 就业


class Service(models.Model):
    """An item of the service menu (点单的菜单): what can be ordered, and what a point or a provider offers."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("service", "name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=ServiceKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # Hours from the order to the provider's answer, and to the delivery (the dispatch limit is a setting).
    accept_within_hours = models.PositiveSmallIntegerField(_("accept within (hours)"), default=2)
    deliver_within_hours = models.PositiveSmallIntegerField(_("deliver within (hours)"), default=24)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = pgettext_lazy("circle", "services")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class ProviderKind(models.TextChoices):
    BUSINESS = "business", _("Business")  # 商户
    SOCIAL_ORG = "social_org", _("Social organisation")  # 社会组织
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")  # 志愿服务队
    UNIT = "unit", _("Unit")  # 共建单位


class ProviderQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _directory(self, user, "area")


class Provider(PersonalCopiesMixin, Located):
    """Who delivers orders: a business, a social organisation, a volunteer team or a co-building
    unit, serving within `service_radius_m` of its own place during its hours. `user` is the
    account that accepts and delivers orders."""

    area_scope_field = "area"

    name = models.CharField(pgettext_lazy("provider", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=15, choices=ProviderKind.choices)
    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="service_providers",
                             help_text=_("The community or street that lists the provider."))
    team = models.ForeignKey(Team, verbose_name=_("volunteer team"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="circle_providers")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="circle_providers")
    service_radius_m = models.PositiveIntegerField(_("serves within (metres)"), default=1500,
                                                   validators=[MinValueValidator(100), MaxValueValidator(50_000)])
    hotline = models.CharField(_("public phone"), max_length=20, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    # The contact's own mobile: personal data (encrypted, masked on screen, every reveal audited).
    contact_phone = EncryptedCharField(_("contact's own phone"), kind="phone", max_length=20)
    contact_phone_masked = models.CharField(_("contact's own phone"), max_length=20, blank=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account that takes orders"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="circle_providers")
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["area__path", "name", "id"]
        indexes = [models.Index(fields=["cell_x", "cell_y"], name="circle_provider_cell_idx")]

    def __str__(self) -> str:
        return self.name


class OfferingQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return self.filter(Q(provider__in=Provider.objects.visible_to(user)) | Q(point__in=ServicePoint.objects.visible_to(user)))


class Offering(models.Model):
    """A service offered by a provider or at a point, with its price (empty: free)."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="offerings")
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="offerings")
    point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="offerings")
    price = models.DecimalField(_("price (yuan)"), max_digits=8, decimal_places=2, null=True, blank=True,
                                validators=[MinValueValidator(Decimal("0"))], help_text=_("Empty: free."))
    price_note = models.CharField(_("price note"), max_length=100, blank=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["service", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(provider__isnull=False, point__isnull=True)
                                   | Q(provider__isnull=True, point__isnull=False),
                                   name="circle_offering_provider_or_point",
                                   violation_error_message=_("An offering belongs to a provider or to a point.")),
            models.UniqueConstraint(fields=["service", "provider"], condition=Q(provider__isnull=False),
                                    name="circle_offering_once_per_provider",
                                    violation_error_message=_("The provider already offers this service.")),
            models.UniqueConstraint(fields=["service", "point"], condition=Q(point__isnull=False),
                                    name="circle_offering_once_per_point",
                                    violation_error_message=_("The point already offers this service.")),
        ]

    def __str__(self) -> str:
        return f"{self.provider or self.point} · {self.service}"

    @property
    def free(self) -> bool:
        return self.price is None or self.price == 0


class MonthlyTheme(models.Model):
    """每月一主题: the month's theme of a centre's area; its services come first on the menu."""

    area_scope_field = "area"

    area = models.ForeignKey(AreaNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="circle_themes")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    title = models.CharField(pgettext_lazy("circle", "theme"), max_length=100)
    services = models.ManyToManyField(Service, verbose_name=pgettext_lazy("circle", "services"), related_name="themes", blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly theme")
        verbose_name_plural = _("monthly themes")
        ordering = ["-month", "area__path"]
        constraints = [models.UniqueConstraint(fields=["area", "month"], name="circle_theme_one_per_month",
                                               violation_error_message=_("This area already has a theme for that month."))]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"


# --- orders: 点单 → 派单 → 接单 → 评单 ------------------------------------------------------------


class OrdererKind(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")


class OrderState(models.TextChoices):
    ORDERED = "ordered", _("Ordered")  # 点单
    DISPATCHED = "dispatched", _("Dispatched")  # 派单
    ACCEPTED = "accepted", pgettext_lazy("order", "Accepted")  # 接单
    DELIVERED = "delivered", _("Delivered")  # 已服务，待评
    RATED = "rated", _("Rated")  # 评单
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ORDER_STATES = (OrderState.ORDERED, OrderState.DISPATCHED, OrderState.ACCEPTED)


class OrderQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _own_or_staff(self, user, Q(ordered_by=user) | Q(provider__user=user), "place")


class Order(models.Model):
    """One order from the menu, where it is wanted, and each step's time and who took it."""

    area_scope_field = "place"

    number = models.CharField(pgettext_lazy("order", "number"), max_length=20, unique=True)
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="orders")
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ordered by"), on_delete=models.PROTECT,
                                   related_name="circle_orders")
    orderer_kind = models.CharField(_("ordered for"), max_length=10, choices=OrdererKind.choices,
                                    default=OrdererKind.RESIDENT)
    place = models.ForeignKey(AreaNode, verbose_name=_("place"), on_delete=models.PROTECT, related_name="circle_orders",
                              help_text=_("The household, building or community where the service is wanted."))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    description = models.TextField(pgettext_lazy("circle", "what is needed"))
    wanted_at = models.DateTimeField(_("wanted at"))
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="orders")
    state = models.CharField(_("state"), max_length=12, choices=OrderState.choices, default=OrderState.ORDERED)
    # The current step's time limit; passed → flagged once (the sweep), cleared by the next step.
    due_at = models.DateTimeField(pgettext_lazy("order", "due"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    accepted_at = models.DateTimeField(pgettext_lazy("order", "accepted"), null=True, blank=True)
    declines = models.JSONField(_("declines"), default=list, blank=True)  # [{"provider": id, "reason": "…", "at": iso}]
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    checkin_distance_m = models.PositiveIntegerField(_("check-in distance (metres)"), null=True, blank=True)
    delivery_note = models.CharField(_("delivery note"), max_length=500, blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("ordered"), default=timezone.now, editable=False)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="circle_order_state_due_idx"),
            models.Index(fields=["provider", "state"], name="circle_order_provider_idx"),
            models.Index(fields=["ordered_by", "created_at"], name="circle_order_orderer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.service}"


# --- the one-stop hall: the service guide and appointments ----------------------------------------


class MatterLevel(models.TextChoices):
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DISTRICT = "district", _("District")


class MatterQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        kept = _kept_paths(user)
        if kept is None:
            return self if getattr(user, "is_authenticated", False) else self.none()
        public = Q(active=True, point__in=ServicePoint.objects.visible_to(user))
        return self.filter(public | scope.path_q(kept, "point__area")) if kept else self.filter(public)


class Matter(models.Model):
    """An entry of the service guide (办事指南) at a hall: the materials to bring, the level that
    handles it, its time limit, fees and window; bookable by half-hour appointments."""

    area_scope_field = "point__area"

    point = models.ForeignKey(ServicePoint, verbose_name=_("hall"), on_delete=models.CASCADE, related_name="matters")
    name = models.CharField(pgettext_lazy("matter", "name"), max_length=100)
    level = models.CharField(pgettext_lazy("matter", "handled by"), max_length=10, choices=MatterLevel.choices)
    materials = models.JSONField(_("materials"), default=list, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=0,
                                                       help_text=_("0: done on the spot."))
    fees = models.CharField(_("fees"), max_length=100, blank=True)
    window = models.CharField(_("window"), max_length=50, blank=True)
    bookable = models.BooleanField(_("bookable"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("service guide")
        ordering = ["point", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["point", "name"], name="circle_matter_name_per_point",
                                               violation_error_message=_("This hall's guide already has this matter."))]

    def __str__(self) -> str:
        return self.name


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")  # took a ticket at the hall
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


HOLDING_APPOINTMENT_STATES = (AppointmentState.BOOKED, AppointmentState.ARRIVED, AppointmentState.SERVED)


class AppointmentQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        return _own_or_staff(self, user, Q(person=user) | Q(matter__point__keeper=user), "matter__point__area")


class Appointment(models.Model):
    """A half-hour slot at a hall for one matter; the ticket is its place in the day's queue."""

    area_scope_field = "matter__point__area"

    matter = models.ForeignKey(Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT,
                               related_name="hall_appointments")
    starts_at = models.DateTimeField(_("slot"))
    state = models.CharField(_("state"), max_length=10, choices=AppointmentState.choices,
                             default=AppointmentState.BOOKED)
    ticket = models.PositiveIntegerField(_("ticket"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    served_at = models.DateTimeField(_("served"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["matter", "starts_at"], name="circle_appt_matter_slot_idx"),
                   models.Index(fields=["state", "starts_at"], name="circle_appt_state_slot_idx")]

    def __str__(self) -> str:
        return f"{self.matter} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

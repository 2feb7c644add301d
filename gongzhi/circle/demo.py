"""Service circle demo (seed 000's 五家一站 and clubs, seed 003's 党群服务中心 and 红色驿站 with their
rooms, seed 001's 文明实践 centre / institute / station and 许可一厅办 / 诉求一室解, seed 004's
providers of the 10-minute circle): the points of the demo district, street and main community with
rooms and a hall's guide, the providers with their services and prices, a month of orders through
every step (one declined and dispatched again, one still waiting past its limit), room bookings and
hall appointments with their no-shows, the month's theme, and one coverage gap (appliance repair
reaches none of the community's buildings within the walk).

Everything goes through the services, as residents, staff and providers would do it; orders,
bookings and appointments are made at today's times and then set back to their day in the past
month (only their timestamps)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.services import user_create
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.services import area_node_update
from gongzhi.core.demo import DEMO_PASSWORD

from .models import (
    Appointment,
    AppointmentState,
    BookingState,
    Order,
    OrdererKind,
    OrderState,
    RoomBooking,
)
from .services import bookings as booking_services
from .services import guide as guide_services
from .services import orders as order_services
from .services import points as point_services

WEEKDAYS = [0, 1, 2, 3, 4]
OFFICE = [{"days": WEEKDAYS, "opens": "08:30", "closes": "18:00"}, {"days": [5], "opens": "09:00", "closes": "12:00"}]
EVERY_DAY = [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "07:00", "closes": "21:00"}]
AFTER_SCHOOL = [{"days": WEEKDAYS, "opens": "16:00", "closes": "19:00"}]
EVENINGS = [{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "18:30", "closes": "21:00"}]

# name, kind, level, area key, metres north, metres east, hours, services, rooms [(name, kind, seats)]
POINTS = [
    ("七里河区党群服务中心", "party_centre", "district", "district", 900, -700, OFFICE, ["lecture-policy"],
     [("党群会客厅", "meeting", 30), ("百姓影院", "cinema", 80), ("百姓健身房", "gym", 20)]),
    ("七里河区新时代文明实践中心", "civility_centre", "district", "district", 880, -650, OFFICE,
     ["lecture-policy", "lecture-law", "lecture-health", "activity-culture"], []),
    ("西站街道新时代文明实践所", "civility_institute", "street", "street", 420, -300, OFFICE,
     ["lecture-policy", "lecture-health"], [("讲堂", "classroom", 60)]),
    ("西站街道便民服务大厅", "service_hall", "street", "street", 400, -320, OFFICE, ["jobs"], []),
    ("瓜州路社区新时代文明实践站", "civility_station", "community", "community", 40, 30, OFFICE,
     ["lecture-policy", "activity-kids", "activity-culture"], [("党群会客厅", "meeting", 24), ("百姓影院", "cinema", 40)]),
    ("瓜州路社区便民服务室", "convenience_room", "community", "community", 30, 60, OFFICE, [], []),
    ("少年之家", "children_home", "community", "community", 60, -80, AFTER_SCHOOL, ["activity-kids"], []),
    ("青年之家", "youth_home", "community", "community", 60, -60, OFFICE, ["jobs"], [("活动室", "activity", 20)]),
    ("老年之家", "elderly_home", "community", "community", -120, 90, EVERY_DAY, ["meals", "haircut"],
     [("棋牌室", "activity", 16)]),
    ("妇女之家", "women_home", "community", "community", -100, 110, OFFICE, ["lecture-law"], []),
    ("船长之家", "captain_home", "community", "community", 150, 200, OFFICE, ["lecture-policy"], []),
    ("志愿者服务站", "volunteer_station", "community", "community", 20, 40, EVERY_DAY, ["haircut", "elderly-care"], []),
    ("放学来吧", "club", "community", "community", 70, -90, AFTER_SCHOOL, ["activity-kids"], []),
    ("饭后来吧", "club", "community", "community", -130, 80, EVENINGS, ["activity-culture"], [("百姓健身房", "gym", 15)]),
    ("铁建丽苑红色驿站", "red_station", "estate", "grid1", 210, -150, EVERY_DAY, ["elderly-care"], []),
    ("瓜州路红色驿家", "red_home", "estate", "grid2", -260, 180, EVERY_DAY, ["meals"], []),
]

# name, kind, metres north, metres east, radius, services [(code, price or None)], contact, phone, account
PROVIDERS = [
    ("老李管道疏通", "business", 260, 320, 2000, [("drain", "80")], "李师傅", "13893100001", "fw_tongxiashui"),
    ("兴旺水暖维修部", "business", -300, -250, 2500, [("plumbing", "60")], "张兴旺", "13893100002", "fw_shuinuan"),
    ("金钥匙开锁服务部", "business", 180, -220, 3000, [("locksmith", "50")], "王金锁", "13893100003", "kaisuo"),
    ("瓜州路幸福食堂", "social_org", -160, 60, 1500, [("meals", "12")], "陈桂兰", "13893100004", "fw_shitang"),
    ("巧手家政服务中心", "business", 350, 100, 3000, [("housekeeping", "45"), ("elderly-care", "40")], "刘巧云",
     "13893100005", "fw_jiazheng"),
    ("西站街道就业服务站", "social_org", 410, -330, 5000, [("jobs", None)], "赵志强", "13893100006", "fw_jiuye"),
    ("瓜州路社区志愿服务队", "volunteer_team", 20, 40, 1500, [("haircut", None), ("elderly-care", None),
                                                        ("activity-culture", None)], "周红梅", "13893100007",
     "fw_zhiyuan"),
    ("七里河区法律援助律师团", "unit", 880, -700, 8000, [("lecture-law", None)], "孙律师", "13893100008", "fw_lvshi"),
    ("惠民家电维修", "business", -1400, 1500, 800, [("appliance", "30")], "马师傅", "13893100009", "fw_jiadian"),
]

MATTERS = [
    ("居住证办理", "community", ["居民身份证", "租房合同或房产证明", "近期免冠照片一张"], 5, "免费", "1号窗口"),
    ("老年人优待证", "community", ["居民身份证", "户口簿", "一寸照片两张"], 0, "免费", "1号窗口"),
    ("城乡居民医保参保登记", "community", ["居民身份证", "户口簿"], 0, "按年度缴费标准", "2号窗口"),
    ("最低生活保障申请", "street", ["申请书", "户口簿", "家庭收入及财产状况说明", "居民身份证"], 30, "免费", "2号窗口"),
    ("残疾人证申领", "district", ["居民身份证", "户口簿", "二寸彩色照片三张"], 20, "免费", "3号窗口"),
    ("就业创业登记", "street", ["居民身份证", "就业失业登记证（如有）"], 0, "免费", "3号窗口"),
]

ORDER_TEXTS = {
    "drain": ["厨房下水堵了，水下不去", "卫生间地漏返臭水，麻烦来疏通一下"],
    "plumbing": ["暖气片漏水，地板都湿了", "水龙头一直滴水，关不紧"],
    "locksmith": ["钥匙锁家里了，人在门口进不去", "防盗门锁芯坏了，想换一个"],
    "meals": ["老人腿脚不便，想订一周午饭送到家", "想订中午的助餐，少盐少油"],
    "housekeeping": ["过年前想请人擦擦玻璃、打扫厨房", "老人住院回来，家里需要好好收拾一下"],
    "elderly-care": ["老母亲行动不便，想请人帮着洗个澡", "下周三要去医院复查，想请人陪同"],
    "haircut": ["老人卧床，想请志愿者上门理发"],
    "jobs": ["孩子刚毕业，想问问街道有没有合适的岗位"],
    "lecture-law": ["社区想请律师来讲讲婚姻家庭和继承方面的法律", "给楼栋长们讲讲物业纠纷怎么处理"],
    "lecture-health": ["想请医生来讲讲冬季老人防跌倒和慢病用药"],
    "activity-culture": ["重阳节想在院子里办个文艺演出，请志愿服务队来"],
}
RATINGS = [(5, "师傅来得很快，干活利索，价格公道"), (5, "非常满意，谢谢社区"), (4, "挺好的，就是等了一会儿"),
           (5, "服务态度好，还帮着检查了别的地方"), (3, "问题解决了，但来晚了半个小时")]


def _offset(centre: tuple[float, float], north: float, east: float) -> tuple[Decimal, Decimal]:
    lat = centre[0] + north / 111_320
    lng = centre[1] + east / (111_320 * math.cos(math.radians(centre[0])))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def _centre(main: AreaNode) -> tuple[float, float] | None:
    spots = list(AreaNode.objects.filter(path__startswith=main.path, kind=AreaKind.BUILDING, latitude__isnull=False)
                 .values_list("latitude", "longitude"))
    if not spots:
        return None
    return (sum(float(s[0]) for s in spots) / len(spots), sum(float(s[1]) for s in spots) / len(spots))


def _accounts(ctx) -> dict:
    """One account per provider that takes orders (`kaisuo` is the demo's locksmith; the others
    cannot sign in with the demo password: their owners would set their own)."""
    User = get_user_model()
    demo_hash = make_password(DEMO_PASSWORD)
    accounts = {}
    for provider in PROVIDERS:
        name, username = provider[0], provider[-1]
        accounts[username] = User.objects.filter(username=username).first() or user_create(
            actor=ctx.actor, username=username, password=DEMO_PASSWORD, role=Role.RESIDENT, display_name=name,
            check_password_strength=False,
            password_hash=demo_hash if username == "kaisuo" else make_password(None))
    return accounts


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _next_slot_day(start: dt.date) -> dt.date:
    day = start
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def load(ctx) -> None:
    main = ctx.data.get("main_community")
    if main is None:
        return
    centre = _centre(main)
    if centre is None:
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=("shequ", "shuji", "jumin", "wangge"))}
    if not {"shequ", "jumin"} <= set(users):
        return
    actor = ctx.actor
    if main.latitude is None:  # the community's own place on the map (its office), where its orders are delivered
        lat, lng = _offset(centre, 30, 60)
        main = area_node_update(actor=actor, node=main, name=main.name, estate=main.estate, latitude=lat,
                                longitude=lng, is_active=main.is_active)
        ctx.data["main_community"] = main
    grids = ctx.data["grids"][main.code]
    areas = {"district": ctx.data["district"], "street": ctx.data["street"], "community": main,
             "grid1": grids[0], "grid2": grids[1]}

    points = {}
    for name, kind, level, area, north, east, hours, services, rooms in POINTS:
        lat, lng = _offset(centre, north, east)
        point = point_services.point_save(
            actor=actor, name=name, kind=kind, level=level, area=areas[area], latitude=lat, longitude=lng, hours=hours,
            address=f"{areas[area].name}{name}", hotline="0931-2" + f"{len(points):03d}" + "678",
            contact_name=ctx.faker.name(), description="", keeper=users["shequ"] if area == "community" else None,
            slot_capacity=2, active=True)
        for code in services:
            point_services.offering_set(actor=actor, point=point, service=code)
        for room_name, room_kind, seats in rooms:
            point_services.room_save(actor=actor, point=point, name=room_name, kind=room_kind, capacity=seats,
                                     bookable=True, slot_minutes=30, max_slots=6, description="")
        points[name] = point

    hall = points["瓜州路社区便民服务室"]
    matters = [guide_services.matter_create(actor=actor, hall=hall, name=name, level=level, materials=materials,
                                            time_limit_days=days, fees=fees, window=window)
               for name, level, materials, days, fees, window in MATTERS]
    guide_services.matter_create(actor=actor, hall=points["西站街道便民服务大厅"], name="最低生活保障审核确认",
                                 level="street", materials=["社区初审材料"], time_limit_days=20, window="综合窗口")

    accounts = _accounts(ctx)
    providers = {}
    for name, kind, north, east, radius, offered, contact, phone, username in PROVIDERS:
        lat, lng = _offset(centre, north, east)
        provider = point_services.provider_save(
            actor=actor, name=name, kind=kind, area=main, latitude=lat, longitude=lng, hours=EVERY_DAY,
            service_radius_m=radius, hotline="", contact_name=contact, contact_phone=phone,
            user=accounts[username], address=f"{main.name}附近", description="", active=True)
        for code, price in offered:
            point_services.offering_set(actor=actor, provider=provider, service=code, price=price)
        providers[name] = provider

    today = timezone.localdate()
    point_services.theme_set(actor=users["shequ"], area=main, month=today, title="冬季暖心服务月",
                             services=["plumbing", "meals", "elderly-care"])

    _orders(ctx, users, providers, today)
    _bookings(ctx, users, points, today)
    _appointments(ctx, users, matters, today)
    ctx.log(f"  circle: {len(points)} service points, {len(providers)} providers, "
            f"{Order.objects.count()} orders, {RoomBooking.objects.count()} bookings, "
            f"{Appointment.objects.count()} appointments")


def _orders(ctx, users: dict, providers: dict, today: dt.date) -> None:
    """A month of orders by the demo resident (for their own home) and the community (lectures and
    activities), through every step; then each is set back to its day."""
    resident, staff = users["jumin"], users["shequ"]
    homes = order_services.own_places(resident)
    home = next((p for p in homes if p.kind == AreaKind.HOUSEHOLD), homes[0] if homes else None)
    if home is None:
        return
    by_service = {}
    for provider in providers.values():
        for offering in provider.offerings.select_related("service"):
            by_service.setdefault(offering.service.code, provider)
    main = ctx.data["main_community"]
    wanted = _moment(today + dt.timedelta(days=1), 10)  # within every provider's hours
    plan = [  # (service, for the community?, days ago, final state)
        ("locksmith", False, 27, "rated"), ("drain", False, 25, "rated"), ("meals", False, 23, "rated"),
        ("plumbing", False, 20, "rated"), ("housekeeping", False, 18, "rated"), ("lecture-law", True, 16, "rated"),
        ("elderly-care", False, 14, "rated"), ("haircut", False, 12, "rated"), ("activity-culture", True, 10, "rated"),
        ("drain", False, 8, "declined-then-rated"), ("meals", False, 6, "delivered"), ("jobs", False, 5, "rated"),
        ("plumbing", False, 3, "accepted"), ("housekeeping", False, 2, "dispatched"), ("locksmith", False, 1, "cancelled"),
        ("lecture-law", True, 1, "ordered-overdue"), ("elderly-care", False, 0, "ordered"),
    ]
    for i, (code, community, days_ago, final) in enumerate(plan):
        provider = by_service.get(code)
        if provider is None:
            continue
        text = ctx.rng.choice(ORDER_TEXTS.get(code, ["需要上门服务"]))
        orderer = staff if community else resident
        place = main if community else home
        kind = OrdererKind.COMMUNITY if community else OrdererKind.RESIDENT
        direct = not community and final not in ("ordered", "ordered-overdue") and i % 3 != 0
        order = order_services.order_create(actor=orderer, service=code, place=place, description=text,
                                            wanted_at=wanted, orderer_kind=kind, provider=provider if direct else None)
        if final in ("ordered", "ordered-overdue"):
            _set_back(order, days_ago, ctx)
            continue
        if final == "cancelled":
            order_services.order_cancel(actor=resident, order=order, reason="钥匙找到了，不用来了")
            _set_back(order, days_ago, ctx)
            continue
        if not direct:
            order_services.order_dispatch(actor=staff, order=order, provider=provider)
        if final == "declined-then-rated":
            order_services.order_decline(actor=provider.user, order=order, reason="今天师傅都在外面，排不过来")
            other = next((p for p in providers.values() if p.pk != provider.pk
                          and p.offerings.filter(service__code=code).exists()), provider)
            order_services.order_dispatch(actor=staff, order=order, provider=other if other.pk != provider.pk else provider)
            provider = Order.objects.get(pk=order.pk).provider
        if final == "dispatched":
            _set_back(order, days_ago, ctx)
            continue
        order_services.order_accept(actor=provider.user, order=order)
        if final == "accepted":
            _set_back(order, days_ago, ctx)
            continue
        lat, lng = order_services.position_of(place)
        order_services.order_deliver(actor=provider.user, order=order, latitude=lat, longitude=lng,
                                     note="已处理完毕，居民当面确认")
        if final in ("rated", "declined-then-rated"):
            stars, comment = ctx.rng.choice(RATINGS)
            order_services.order_rate(actor=orderer, order=order, stars=stars, comment=comment)
        _set_back(order, days_ago, ctx)
    # the one waiting past its time limit is flagged as the sweep would
    order_services.flag_overdue(actor=ctx.actor)


def _set_back(order: Order, days_ago: int, ctx) -> None:
    """Move an order's moments back to its day, keeping the steps' order and plausible gaps."""
    row = Order.objects.get(pk=order.pk)
    created = _moment(timezone.localdate() - dt.timedelta(days=days_ago), 8 + ctx.rng.randint(0, 9),
                      ctx.rng.randint(0, 59))
    if days_ago == 0:
        created = min(created, timezone.now() - dt.timedelta(minutes=20))
    shift = row.created_at - created
    values = {"created_at": created, "wanted_at": row.wanted_at - shift}
    step = created
    for name, hours in (("dispatched_at", ctx.rng.uniform(0.2, 2.5)), ("accepted_at", ctx.rng.uniform(0.1, 1.5)),
                        ("delivered_at", ctx.rng.uniform(0.5, 6)), ("rated_at", ctx.rng.uniform(1, 20))):
        if getattr(row, name) is not None:
            step = step + dt.timedelta(hours=hours)
            values[name] = step
    if row.state in (OrderState.ORDERED, OrderState.DISPATCHED, OrderState.ACCEPTED) and row.due_at is not None:
        values["due_at"] = row.due_at - shift if days_ago else row.due_at
    Order.objects.filter(pk=row.pk).update(**values)


def _bookings(ctx, users: dict, points: dict, today: dt.date) -> None:
    """Bookings of the community station's rooms and the district centre's cinema over the past
    month (most checked in, two no-shows) and two to come."""
    booker = users["jumin"]
    rooms = [r for name in ("瓜州路社区新时代文明实践站", "七里河区党群服务中心") for r in points[name].rooms.all()]
    purposes = ["楼栋议事会", "书法兴趣小组活动", "老年合唱团排练", "党小组学习", "亲子阅读", "电影放映《长津湖》"]
    day = _next_slot_day(today + dt.timedelta(days=1))
    made = []
    for i in range(14):
        room = rooms[i % len(rooms)]
        slot = _moment(day, 9 + (i % 4) * 2)
        booking = booking_services.booking_create(actor=booker, room=room, starts_at=slot, slots=2,
                                                  purpose=purposes[i % len(purposes)], people=min(room.capacity, 12))
        made.append(booking)
        if i % 4 == 3:
            day = _next_slot_day(day + dt.timedelta(days=1))
    for i, booking in enumerate(made[:-2]):
        back = _next_slot_day(today - dt.timedelta(days=28 - i * 2))
        if back >= today:
            back = today - dt.timedelta(days=1)
        starts = _moment(back, timezone.localtime(booking.starts_at).hour)
        state = BookingState.NO_SHOW if i in (3, 9) else BookingState.CHECKED_IN
        RoomBooking.objects.filter(pk=booking.pk).update(
            starts_at=starts, ends_at=starts + (booking.ends_at - booking.starts_at), state=state,
            checked_in_at=starts - dt.timedelta(minutes=5) if state == BookingState.CHECKED_IN else None,
            created_at=starts - dt.timedelta(days=3))


def _appointments(ctx, users: dict, matters: list, today: dt.date) -> None:
    """Appointments at the community's convenience room over the past month (served, two no-shows)
    and three for the next working day's queue."""
    person = users["jumin"]
    hall = matters[0].point
    slots: list[dt.datetime] = []
    day = today + dt.timedelta(days=1)
    while len(slots) < 15 and day < today + dt.timedelta(days=30):
        slots += guide_services.slot_starts(hall, day)[2:8]  # the calendar's working days, within the hours
        day += dt.timedelta(days=1)
    made = []
    for i, slot in enumerate(slots[:15]):
        made.append(guide_services.appointment_book(actor=person, matter=matters[i % len(matters)], starts_at=slot))
    for i, appointment in enumerate(made[:-3]):
        back = _next_slot_day(today - dt.timedelta(days=27 - i * 2))
        if back >= today:
            back = today - dt.timedelta(days=1)
        local = timezone.localtime(appointment.starts_at)
        starts = _moment(back, local.hour, local.minute)
        state = AppointmentState.NO_SHOW if i in (4, 10) else AppointmentState.SERVED
        Appointment.objects.filter(pk=appointment.pk).update(
            starts_at=starts, state=state, created_at=starts - dt.timedelta(days=2),
            ticket=i + 1 if state == AppointmentState.SERVED else None,
            arrived_at=starts - dt.timedelta(minutes=3) if state == AppointmentState.SERVED else None,
            served_at=starts + dt.timedelta(minutes=12) if state == AppointmentState.SERVED else None,
            reminded_at=starts - dt.timedelta(hours=20))

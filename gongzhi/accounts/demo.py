"""Demo accounts, one per role of DESIGN §1 (password DEMO_PASSWORD); leaves ctx.data["users"]."""

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongzhi.core.demo import DEMO_PASSWORD, DemoContext

from . import services
from .models import Role

# The demo district administrator must pass two-factor sign-in like any other: its authenticator
# secret is fixed and published here (and printed by `gongzhi demo`), so whoever tries the demo can
# add it to an authenticator app, or compute the code (e.g. `oathtool --totp -b <key>`).
# Never use it anywhere else.
DEMO_TOTP_USERNAME = "quadmin"
DEMO_TOTP_KEY = "676f6e677a68692d64656d6f2d746f74702d3236"  # hex (20 bytes)
DEMO_TOTP_BASE32 = "M5XW4Z32NBUS2ZDFNVXS25DPORYC2MRW"

# username, role, display name, title, what it is bound to
ACCOUNTS = [
    ("quadmin", Role.DISTRICT_ADMIN, "区管理员", "区委社会工作部", "district"),
    ("jiedao", Role.STREET_STAFF, "西站街道干部", "街道党工委委员", "street"),
    ("shuji", Role.COMMUNITY_STAFF, "社区书记", "社区党委书记", "main_community"),
    ("shequ", Role.COMMUNITY_STAFF, "社区工作者", "社区工作者", "main_community"),
    ("wangge", Role.GRID_WORKER, "网格员", "第1网格网格员", "grid1"),
    ("wangge2", Role.GRID_WORKER, "网格员二", "第2网格网格员", "grid2"),
    ("chengguan", Role.DEPARTMENT_STAFF, "城管执法员", "城管局", "dept:cg"),
    ("xuncha", Role.INSPECTOR, "民情巡察员", "民情巡察员", "street"),
    ("jiandu", Role.SUPERVISION, "居务监督委员", "居务监督委员会主任", "main_community"),
    ("danwei", Role.UNIT_LIAISON, "驻区单位联络员", "联络员", "unit"),
    ("dangyuan", Role.PARTY_MEMBER, "在职党员", "", None),
    ("jumin", Role.RESIDENT, "居民", "", None),
]


def load(ctx: DemoContext) -> None:
    main = ctx.data["main_community"]
    grids = ctx.data["grids"][main.code]
    targets = {"district": ctx.data["district"], "street": ctx.data["street"], "main_community": main,
               "grid1": grids[0], "grid2": grids[1]}
    users = {}
    users_by_name = {}
    password_hash = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: do it once
    for username, role, display_name, title, bound in ACCOUNTS:
        nodes, department, unit = [], None, None
        if bound in targets:
            nodes = [targets[bound]]
        elif bound and bound.startswith("dept:"):
            department = ctx.data["departments"][bound.split(":", 1)[1]]
        elif bound == "unit":
            unit = ctx.data["units"][4]
        user = services.user_create(
            actor=ctx.actor, username=username, password=DEMO_PASSWORD, role=role, nodes=nodes,
            department=department, unit=unit, display_name=display_name, title=title, check_password_strength=False, password_hash=password_hash,
        )
        users.setdefault(str(role), user)
        users_by_name[username] = user
        if username == "wangge2":
            users["grid_worker_2"] = user
    ctx.data["users"] = users
    TOTPDevice.objects.create(
        user=users_by_name[DEMO_TOTP_USERNAME], name="demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
    )
    ctx.log(f"accounts: {DEMO_TOTP_USERNAME} signs in with a second factor; authenticator key {DEMO_TOTP_BASE32}")
    ctx.log(f"accounts: {len(ACCOUNTS)} demo accounts, password {DEMO_PASSWORD}")

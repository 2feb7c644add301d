"""Demo integrations (seed 001: the camera sees a quarrel, the grid worker on duty goes at once): a
video-analytics source with a fixed demo secret, three cameras at buildings of the main community,
today's duty roster of its two grids, and one signed quarrel alert taken through the webhook's
service. Leaves ctx.data["cameras"]."""

from __future__ import annotations

import datetime as dt
import json
import time

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.demo import DemoContext

from . import camera_types, selectors, services, signing

DEMO_SOURCE = "demo-video"
DEMO_SECRET = "gongzhi-demo-camera-secret-2026"


def load(ctx: DemoContext) -> None:
    camera_types.load()  # `demo --reset` flushes the seeded alert types with everything else
    source, secret = services.camera_source_create(
        actor=ctx.actor, code=DEMO_SOURCE, name="视频分析平台（演示）", secret=DEMO_SECRET
    )
    buildings = ctx.data.get("buildings") or []
    cameras = [
        services.camera_save(actor=ctx.actor, source=source, code=f"CAM-{i + 1:03d}", name=f"{b.name}门口", area=b)
        for i, b in enumerate(buildings[:3])
    ]
    users = ctx.data.get("users", {})
    main = ctx.data["main_community"]
    grids = ctx.data["grids"][main.code]
    today = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    shifts = 0
    # The accounts demo keys its users by role, its second grid worker as "<role>_2".
    second = f"{Role.GRID_WORKER.value}_2"
    for grid, worker in ((grids[0], users.get(Role.GRID_WORKER.value)), (grids[1], users.get(second))):
        if worker is None:
            continue
        for day in range(-1, 7):  # 24-hour duty from 08:00, yesterday's covering this morning
            start = today + dt.timedelta(days=day)
            services.duty_shift_save(actor=ctx.actor, grid=grid, user=worker, start=start,
                                     end=start + dt.timedelta(hours=24), note="24小时值班")
            shifts += 1
    if cameras:
        body = json.dumps({
            "event_id": "demo-0001", "camera": cameras[0].code, "type": "争吵",
            "time": timezone.localtime().isoformat(timespec="seconds"), "confidence": 0.91,
            "description": "单元门口两名住户发生争吵",
        }, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        event = services.camera_event_receive(
            source_code=source.code, timestamp=stamp, signature=signing.sign(secret, stamp, body), body=body
        )
        grid = selectors.grid_of(cameras[0].area)
        on_duty = selectors.on_duty(grid=grid, at=timezone.now()) if grid else []
        ctx.log(f"integrations: quarrel alert → case {event.case.reference}, told {[u.username for u in on_duty]}")
    ctx.data["cameras"] = cameras
    ctx.log(f"integrations: source {DEMO_SOURCE} (secret {DEMO_SECRET}), {len(cameras)} cameras, {shifts} shifts")

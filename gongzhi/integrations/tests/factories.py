"""Test data for integrations: keys, a camera source with its secret, cameras, signed alerts —
all made through the services, on the cases app's small world."""

from __future__ import annotations

import base64
import json
import time

from gongzhi.core.actors import SystemActor
from gongzhi.integrations import services, signing

ACTOR = SystemActor(label="test")

# The smallest valid JPEG header the cases app's sniffing accepts, padded.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60 + b"\xff\xd9"


def api_key(name: str = "311-app", **values):
    """(key, raw) issued by the system."""
    return services.apikey_create(actor=ACTOR, name=name, **values)


def source(code: str = "vendor-a", **values):
    """(source, secret)."""
    return services.camera_source_create(actor=ACTOR, code=code, name=values.pop("name", "视频分析平台"), **values)


def camera(src, area, code: str = "CAM-001", name: str = "A1号楼东门", **values):
    return services.camera_save(actor=ACTOR, source=src, code=code, name=name, area=area, **values)


def event_body(**fields) -> bytes:
    data = {
        "event_id": "evt-1",
        "camera": "CAM-001",
        "type": "争吵",
        "time": "2026-11-22T09:30:00+08:00",
        "confidence": 0.93,
    }
    data.update(fields)
    if data.get("snapshot") is True:
        data["snapshot"] = base64.b64encode(JPEG).decode()
    return json.dumps(data, ensure_ascii=False).encode()


def signed_headers(src_code: str, secret: str, body: bytes, *, timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "HTTP_X_GONGZHI_SOURCE": src_code,
        "HTTP_X_GONGZHI_TIMESTAMP": str(timestamp),
        "HTTP_X_GONGZHI_SIGNATURE": signing.sign(secret, timestamp, body),
    }

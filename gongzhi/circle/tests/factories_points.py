"""Test data of the directory, on top of `factories.circle_world()`: a tiny real image for the photo
upload, a file that only claims to be one, and the values of a new point and provider as the
services take them."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from .factories import near

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def fake_image(name: str = "photo.jpg") -> SimpleUploadedFile:
    """A text file named and typed as a JPEG."""
    return SimpleUploadedFile(name, b"<html>not an image</html>", content_type="image/jpeg")


def point_values(area, **extra) -> dict:
    lat, lng = near(50, 50)
    values = {"name": "瓜州路社区老年之家", "kind": "elderly_home", "level": "community", "area": area,
              "latitude": lat, "longitude": lng, "address": "瓜州路12号",
              "hours": [{"days": [0, 1, 2, 3, 4], "opens": "08:30", "closes": "17:30"}],
              "hotline": "0931-2345000", "contact_name": "李主任"}
    values.update(extra)
    return values


def provider_values(area, **extra) -> dict:
    lat, lng = near(200, 0)
    values = {"name": "巧手家政", "kind": "business", "area": area, "latitude": lat, "longitude": lng,
              "service_radius_m": 1200, "hours": [], "hotline": "0931-8888000", "contact_name": "刘阿姨",
              "contact_phone": "13800001111"}
    values.update(extra)
    return values

"""The seeded camera alert types and the catalogue matters they open cases under (editable in the
admin afterwards). `load(apps)` adds the missing ones; used by the data migration."""

# (code, name as sources send it, catalogue matter, fold window in minutes)
TYPES = [
    ("quarrel", "争吵", "neighbour-dispute", 30),
    ("crowd", "聚集", "public-security", 30),
    ("overflowing-bin", "垃圾满溢", "garbage-collection", 240),
    ("street-vending", "占道经营", "street-vending", 120),
    ("blocked-fire-lane", "消防通道堵塞", "fire-hazard", 60),
]


def load(apps=None) -> int:
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Category = apps.get_model("cases", "Category")
    EventType = apps.get_model("integrations", "CameraEventType")
    added = 0
    for code, name, category_code, minutes in TYPES:
        category = Category.objects.filter(code=category_code, parent__isnull=False).first()
        if category is None or EventType.objects.filter(code=code).exists():
            continue
        EventType.objects.create(code=code, name=name, category=category, fold_minutes=minutes)
        added += 1
    return added

"""Settings of the integrations app: `get(NAME)` is the Django setting when the project sets it,
else the default the app's component declares (`apps.SETTINGS`, the one place for defaults)."""

from gongzhi.core import components


def get(name: str):
    return components.setting(name)

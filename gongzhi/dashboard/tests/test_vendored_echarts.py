"""The dashboard draws its charts with Apache ECharts kept in the repository (no CDN): the copy is
there, it is the version its VERSION file names, and its licence travels with it."""

import re
from pathlib import Path

from django.conf import settings

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "echarts"


def test_the_vendored_echarts_is_the_pinned_version_with_its_licence():
    # given the vendored copy (scripts/vendor_echarts.sh, `make vendor-echarts`)
    pinned = (VENDOR / "VERSION").read_text().strip()
    script = (VENDOR / "echarts.min.js").read_text(encoding="utf-8")
    # then the library says it is that version, and it is the whole library, not a stub
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)
    assert f'.version="{pinned}"' in script
    assert len(script) > 500_000
    # and the Apache licence and notice are beside it
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    assert "Apache ECharts" in (VENDOR / "NOTICE").read_text()
    # and the script that vendored it pins the same version
    vendor_script = (Path(settings.BASE_DIR).parent / "scripts" / "vendor_echarts.sh").read_text()
    assert f'ECHARTS_VERSION:-{pinned}' in vendor_script

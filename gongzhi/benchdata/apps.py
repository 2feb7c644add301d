from django.apps import AppConfig

from gongzhi.core.components import Component


class BenchdataConfig(AppConfig):
    """Benchmark data: the `gen-bench` command and the helpers of `benchmarks/` (no pages, no API)."""

    name = "gongzhi.benchdata"
    label = "benchdata"
    verbose_name = "Benchmark data"
    component = Component()

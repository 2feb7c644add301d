"""Demo data of the deliberation programme: the district's declared paths and proposal rules."""

from __future__ import annotations

from gongzhi.core.demo import DemoContext

from .services import paths


def load(ctx: DemoContext) -> None:
    made = paths.default_paths_install(actor=ctx.actor, district=ctx.data["district"])
    ctx.log(f"deliberation: {len(made)} paths")

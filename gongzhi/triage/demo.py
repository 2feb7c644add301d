"""Demo triage model: trained on the demo's own closed cases (the way a deployment learns from its
history) and activated, so requests filed on the demo site get suggestions, and the sure ones are
routed by themselves. Loaded after the cases demo."""

from __future__ import annotations

from gongzhi.core.demo import DemoContext

from . import services


def load(ctx: DemoContext) -> None:
    rows = services.training_rows_from_cases()
    if len({row.label for row in rows}) < 2:
        ctx.log("triage: too few closed cases to train a model")
        return
    model = services.triage_model_train(
        actor=ctx.actor,
        titles=[row.title for row in rows],
        texts=[row.text for row in rows],
        labels=[row.label for row in rows],
        folds=3,
        activate=True,
        sources={"cases": len(rows)},
    )
    ctx.log(f"triage: model v{model.version} trained on {len(rows)} closed cases and activated")

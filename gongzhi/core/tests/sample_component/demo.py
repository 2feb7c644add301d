"""The sample component's demo data: nothing to create; it records that it ran (the test reads it)."""

LOADED: list = []


def load(ctx) -> None:
    LOADED.append(ctx.seed)
    ctx.log("sample component: demo loaded")

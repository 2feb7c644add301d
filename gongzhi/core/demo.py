"""Demo data, the way each app contributes it: an app with a `demo.py` module exposing
`load(ctx: DemoContext)` is loaded in the order of its AppConfig's `demo_order`. Generated names
and numbers only (Faker zh_CN, seeded), never real people; the same seed gives the same data."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from faker import Faker

from .actors import SystemActor

DEMO_PASSWORD = "gongzhi-demo-2026"


@dataclass
class DemoContext:
    seed: int
    actor: SystemActor
    rng: random.Random = field(init=False)
    faker: Faker = field(init=False)
    # Handles that earlier loaders leave for later ones (see each app's demo.py for its keys).
    data: dict[str, Any] = field(default_factory=dict)
    verbose: bool = True

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(self.seed)

    def log(self, message: str) -> None:
        if self.verbose:
            print(message)

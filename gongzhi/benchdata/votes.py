"""A community for the online-vote benchmark (`gongzhi gen-bench-votes`): one street, one
community of 3,030 households (the issue's figure), each with one adult resident whose account is
linked to the registry, and the community's staff — written in bulk into an empty database."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.accounts.roles import Role
from gongzhi.residents.models import Person

from .generator import BENCH_PASSWORD, Sizes, build_tree, make_people


def generate_votes_community(*, households: int = 3030, seed: int = 1, out: Callable[[str], None] = print) -> None:
    started = time.perf_counter()
    buildings = max(1, -(-households // 60))
    sizes = Sizes(people=0, cases=0, streets=1, communities=1, grids=max(1, buildings // 10), households=households,
                  buildings=buildings)
    rng = random.Random(seed)
    with transaction.atomic():
        tree = build_tree(sizes, rng)
        make_people(tree, sizes)
        hashed = make_password(BENCH_PASSWORD)
        User.objects.bulk_create(
            [User(username=f"bench_voter_{i + 1}", role=Role.RESIDENT, password=hashed, display_name=f"户主{i + 1}")
             for i in range(len(tree.households))], batch_size=2000,
        )
        voters = list(User.objects.filter(username__startswith="bench_voter_").order_by("pk").values_list("pk", flat=True))
        now = timezone.now()
        born = dt.date(1975, 3, 1)
        Person.objects.bulk_create(
            [Person(household_id=household[0], name=f"户主{i + 1}", birth_date=born, relation="head", status="living",
                    user_id=voters[i], created_at=now, updated_at=now)
             for i, household in enumerate(tree.households)], batch_size=2000,
        )
    out(f"community of {len(tree.households):,} households, each with a linked adult resident "
        f"({time.perf_counter() - started:.1f} s)")

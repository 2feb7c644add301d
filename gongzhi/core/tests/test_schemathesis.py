"""Schemathesis against the live OpenAPI schema, in-process through Django's WSGI app, as a signed-in
district administrator (token) on a world built with the factories (the role × endpoint matrix's
world: two districts, a user of every role, each app's objects).

Every operation of the schema gets generated requests, valid ones and invalid ones; half of them
name the world's real objects in their path parameters, so they reach the services rather than
stopping at a 404. The test fails on any 5xx, on an answer whose status the operation does not
declare, and on a body that does not match its declared schema. Bounded (a few examples per
operation, derandomized) so it runs in the normal suite on both databases.

`pytest -s gongzhi/core/tests/test_schemathesis.py` prints the operations and requests it made.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from gongzhi.accounts.roles import Role
from gongzhi.accounts.services import api_token_create
from gongzhi.core import components
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import build_world, resolve

EXAMPLES_PER_OPERATION = 6


def no_server_error(ctx, response, case):
    """Any 5xx fails, except a 503 the operation declares (triage's "no active model": the world
    has no trained model, and the API says so as documented)."""
    if response.status_code == 503 and "503" in case.operation.definition.raw.get("responses", {}):
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [no_server_error, status_code_conformance, response_schema_conformance]


def _known_ids(world) -> dict[str, list]:
    """Path-parameter name → the world's objects the district admin may reach (and one outside)."""
    known: dict[str, list] = {}
    for _label, factory in components.matrix_factories():
        for key, param in factory(world).items():
            name = key.rsplit(".", 1)[-1]
            for value in (param.inside, param.outside):
                if value is not None:
                    known.setdefault(name, []).append(resolve(value, world))
    return known


def _runner(strategy, known: dict, auth: dict, totals: Counter):
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=strategy, pick=st.integers(min_value=0, max_value=3))
    def run(case, pick):
        # pick 0: the generated path parameters; 1-3: the world's objects (inside, outside …)
        if pick and case.path_parameters:
            for name in list(case.path_parameters):
                values = known.get(name)
                if values:
                    case.path_parameters[name] = values[(pick - 1) % len(values)]
        totals["requests"] += 1
        case.call_and_validate(headers=auth, checks=CHECKS)

    return run


@pytest.fixture
def _keep_the_test_connection():
    """Requests go through the WSGI handler, which closes the database connection when a request
    ends; the test's transaction lives on that connection (PostgreSQL), so, as Django's test client
    does, the handler leaves it open for the test."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
@override_settings(ALLOWED_HOSTS=["*"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation():
    from gongzhi.wsgi import application

    world = build_world(Role.DISTRICT_ADMIN)
    known = _known_ids(world)
    _token, raw = api_token_create(actor=SystemActor(label="test"), user=world.user, name="schemathesis")
    auth = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, headers=auth)

    totals: Counter = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        totals["operations"] += 1
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        try:
            _runner(strategy, known, auth, totals)()
        except (Exception, BaseExceptionGroup) as exc:  # one entry per failing operation; all run
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:2000]}")
    print(f"\nschemathesis: {totals['operations']} operations, {totals['requests']} requests, "
          f"{len(failures)} failing operations")
    assert totals["operations"] >= 80
    assert not failures, "\n\n".join(failures)

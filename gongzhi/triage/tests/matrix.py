"""Triage's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): a trained model.
Models are not scoped to an area (one classifier serves the platform), so there is no outside
object; the matrix still checks the unknown id and that no role but the district admin may act."""

from gongzhi.accounts.roles import Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.triage.models import TriageModel


def objects(world: World) -> dict[str, Param]:
    model = TriageModel.objects.create(version=1, algorithm="test", labels=["a", "b"], blob=b"", blob_sha256="0" * 64)
    return {"model_id": Param(inside=model.pk, seen_by=frozenset({Role.DISTRICT_ADMIN}))}

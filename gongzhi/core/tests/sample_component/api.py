"""The sample component's API: a read and a write, both asking the gate."""

from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.core import components
from gongzhi.core.permissions import require

router = Router(tags=["sample"])


class GreetingOut(Schema):
    greeting: str


class GreetIn(Schema):
    name: str


@router.get("/greeting", response=GreetingOut, summary="The greeting")
def greeting(request: HttpRequest):
    require(request.auth, "sample_component.view")
    return {"greeting": components.setting("SAMPLE_COMPONENT_GREETING")}


@router.post("/greet", response=GreetingOut, summary="Greet someone")
def greet(request: HttpRequest, payload: GreetIn):
    require(request.auth, "sample_component.greet")
    return {"greeting": f"{components.setting('SAMPLE_COMPONENT_GREETING')}，{payload.name}"}

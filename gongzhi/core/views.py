from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gongzhi.core.errors import Forbidden, NotFound

from . import selectors


@login_required
def object_history(request, app_label: str, model: str, object_id: str):
    try:
        obj = selectors.scoped_object(user=request.user, app_label=app_label, model=model, object_id=object_id)
        events = selectors.history_for(user=request.user, obj=obj)[:200]
    except (NotFound, Forbidden) as exc:
        raise Http404 from exc
    return render(request, "core/history.html", {"object": obj, "events": events})

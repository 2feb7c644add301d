from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from gongzhi.core.errors import Forbidden, NotFound

from . import notifications, selectors
from .permissions import page_requires


@login_required
def object_history(request, app_label: str, model: str, object_id: str):
    """An object's change history; 404 for anything that names no object in the user's scope, an
    id of the wrong type (`/history/areas/areanode/abc/`) or out of the database's range included."""
    try:
        obj = selectors.scoped_object(user=request.user, app_label=app_label, model=model, object_id=object_id)
        events = selectors.history_for(user=request.user, obj=obj)[:200]
    except (NotFound, Forbidden, ValueError, TypeError, OverflowError, ValidationError) as exc:
        raise Http404 from exc
    return render(request, "core/history.html", {"object": obj, "events": events})


@page_requires("core.read_notifications")
def messages_inbox(request):
    """My notifications, newest first; one button marks them all read."""
    if request.method == "POST":
        notifications.mark_read(user=request.user)
        return redirect("messages")
    page = Paginator(notifications.inbox(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/messages.html", {"page": page})

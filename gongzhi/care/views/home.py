"""Care pages: the home — one's next turns, and what the branch and the staff have to act on."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path

from gongzhi.core.permissions import scoped_page as scoped

from ..selectors import home as selectors


@scoped
def home(request):
    return render(request, "care/home.html", {
        "turns": selectors.my_next_turns(user=request.user),
        "work": selectors.work_summary(user=request.user),
    })


urlpatterns = [
    path("", home, name="home"),
]

"""The co-building home: for a member or a unit's liaison, their registration and what they can do
on the phone; for staff, the area's figures and the pages that keep them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ..selectors import home as home_selectors


@login_required
def home(request):
    return render(request, "cobuilding/home.html", home_selectors.home_for(user=request.user))


urlpatterns = [path("", home, name="home")]

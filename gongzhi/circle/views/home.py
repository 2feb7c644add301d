"""The service circle's home: for everyone, what is within the walk of one's home (or a link to
choose a place), the menu with the month's theme first, one's own orders, bookings and appointments;
for the staff, the pages they keep."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path

from gongzhi.core.errors import DomainError
from gongzhi.core.permissions import can, page_requires

from ..selectors import nearest as nearest_selectors
from ..selectors import points as point_selectors


@page_requires("circle.view")
def home(request):
    found, home_node = [], nearest_selectors.home_of(request.user)
    if home_node is not None:
        try:
            lat, lng, _node = nearest_selectors.origin_of(user=request.user)
            found = nearest_selectors.nearest(user=request.user, latitude=lat, longitude=lng, limit=6)
        except DomainError:
            found = []
    theme, menu = point_selectors.menu(place=home_node)
    user = request.user
    return render(request, "circle/home.html", {
        "found": found, "home": home_node, "theme": theme, "menu": menu,
        "may_keep": can(user, "circle.keep"), "may_read": can(user, "circle.view_list"),
        "may_dispatch": can(user, "circle.dispatch"),
    })


urlpatterns = [path("", home, name="home")]

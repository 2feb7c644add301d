"""The signed-in user's home page: who they are, what they can do here, where they work."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gongzhi.areas.selectors import area_roots_for

from .roles import role_blurb


@login_required
def home(request):
    return render(
        request,
        "accounts/home.html",
        {"bound_nodes": area_roots_for(user=request.user), "role_blurb": role_blurb(request.user)},
    )

from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.organization_detail, name="organization"),
    path("alliances/", views.alliances, name="alliances"),
    path("alliances/<int:pk>/", views.alliance_detail, name="alliance"),
]

from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.node_detail, name="node"),
]

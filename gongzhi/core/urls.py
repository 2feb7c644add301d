from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("history/<str:app_label>/<str:model>/<str:object_id>/", views.object_history, name="object-history"),
]

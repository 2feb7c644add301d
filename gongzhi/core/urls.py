from django.urls import path

from . import views

urlpatterns = [
    path("history/<str:app_label>/<str:model>/<str:object_id>/", views.object_history, name="object-history"),
]

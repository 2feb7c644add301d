from django.urls import path

from . import views

urlpatterns = [
    path("messages/", views.messages_inbox, name="messages"),
    path("history/<str:app_label>/<str:model>/<str:object_id>/", views.object_history, name="object-history"),
]

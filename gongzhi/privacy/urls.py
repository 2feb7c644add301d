from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("people/<int:pk>/", views.person, name="person"),
]

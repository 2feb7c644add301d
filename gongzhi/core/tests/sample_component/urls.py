from django.urls import path

from . import views

app_name = "sample_component"

urlpatterns = [path("", views.index, name="index")]

from django.urls import path

from . import views

app_name = "votes"
urlpatterns = [
    path("", views.vote_list, name="list"),
    path("new/", views.vote_new, name="new"),
    path("<int:vote_id>/", views.vote_detail, name="detail"),
    path("<int:vote_id>/cast/", views.vote_cast, name="cast"),
    path("<int:vote_id>/<slug:action>/", views.vote_action, name="action"),
]

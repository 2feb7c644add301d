from django.urls import path

from .views import awards, public, selections

app_name = "honours"
urlpatterns = [
    path("", selections.home, name="home"),
    path("selections/new/", selections.selection_new, name="selection-new"),
    path("selections/<int:selection_id>/", selections.selection_detail, name="selection"),
    path("selections/<int:selection_id>/<slug:action>/", selections.selection_action, name="selection-action"),
    path("awards/new/", awards.round_new, name="round-new"),
    path("awards/<int:round_id>/", awards.round_detail, name="round"),
    path("awards/<int:round_id>/<slug:action>/", awards.round_action, name="round-action"),
    path("award-nominations/<int:nomination_id>/score/", awards.score, name="score"),
    path("public/<str:community_code>/", public.roll, name="public"),
]

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.mine, name="mine"),
    path("bulk/", views.bulk, name="bulk"),
    path("new/", views.new, name="new"),
    path("figures/", views.figures, name="figures"),
    # The notification inbox moved to core (/messages/); old links still arrive.
    path("messages/", login_required(RedirectView.as_view(pattern_name="messages", permanent=True))),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]

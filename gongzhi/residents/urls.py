from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("people/", views.people, name="people"),
    path("me/", views.verify_self, name="verify-self"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
    path("people/<int:pk>/<slug:action>/", views.person_action, name="person-action"),
    path("tags/<int:pk>/end/", views.tag_end, name="tag-end"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:household_pk>/people/new/", views.person_create, name="person-create"),
    path("households/<int:household_pk>/visits/new/", views.visit_create, name="visit-create"),
    path("visits/<int:pk>/raise/", views.visit_raise, name="visit-raise"),
    path("photos/<int:pk>/", views.visit_photo, name="visit-photo"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/report.xlsx", views.import_report, name="import-report"),
    path("export/", views.export, name="export"),
]

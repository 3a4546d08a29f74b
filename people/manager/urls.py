from django.urls import path

from people.manager import views

urlpatterns = [
    path("", views.home, name="manager_home"),
    path("people/", views.people_list, name="manager_people"),
    path("requests/", views.membership_requests, name="manager_requests"),
    path(
        "requests/<int:membership_id>/<str:decision>/",
        views.answer_membership_request,
        name="manager_request_answer",
    ),
    path("cohorts/", views.cohort_list, name="manager_cohorts"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="manager_cohort"),
    path("cohorts/<int:cohort_id>/rename/", views.cohort_rename, name="manager_cohort_rename"),
    path("cohorts/<int:cohort_id>/archive/", views.cohort_archive, name="manager_cohort_archive"),
    path(
        "cohorts/<int:cohort_id>/remove/<int:user_id>/",
        views.cohort_remove_member,
        name="manager_cohort_remove",
    ),
    path("import/", views.import_upload, name="manager_import"),
    path("import/template.<str:fmt>", views.import_template, name="manager_import_template"),
    path("import/<int:import_id>/", views.import_preview, name="manager_import_preview"),
    path("import/<int:import_id>/status/", views.import_status, name="manager_import_status"),
]

from django.urls import path

from courses.manager import views

urlpatterns = [
    path("assignments/", views.assignment_list, name="manager_assignments"),
    path("assignments/new/", views.assignment_new, name="manager_assignment_new"),
    path("assignments/<int:assignment_id>/", views.assignment_report, name="manager_assignment"),
    path(
        "assignments/<int:assignment_id>/export.<str:fmt>",
        views.assignment_export,
        name="manager_assignment_export",
    ),
    path("cohorts/<int:cohort_id>/report/", views.cohort_report, name="manager_cohort_report"),
    path("people/<int:user_id>/", views.learner_history, name="manager_learner"),
]

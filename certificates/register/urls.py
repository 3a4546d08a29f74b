"""Included under /<language>/registre/ (inside i18n_patterns)."""

from django.urls import path

from certificates.register import views

urlpatterns = [
    path("", views.dashboard, name="register_dashboard"),
    path("personnes/", views.people, name="register_people"),
    path("imprimer/", views.print_request, name="register_print"),
    path("imprimer/<int:export_id>/", views.print_view, name="register_print_page"),
    path("exporter/", views.export, name="register_export"),
    path("exports/<int:export_id>/", views.export_status, name="register_export_status"),
    path(
        "exports/<int:export_id>/fichier/", views.export_download, name="register_export_download"
    ),
]

from django.urls import path

from assessments.scorm import views

# Outside i18n_patterns: the sandboxed package asks for these without a language prefix.
urlpatterns = [
    path("scorm/play/<str:token>/<path:path>", views.package_file, name="scorm_file"),
    path("scorm/runtime/<str:token>/commit", views.commit, name="scorm_commit"),
]

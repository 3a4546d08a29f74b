from django.urls import include, path

urlpatterns = [
    path("", include("assessments.h5p.urls")),
    path("", include("assessments.scorm.urls")),
    # Quiz URLs carry the quiz translation's id, which sets the page's language.
    path("", include("assessments.quizzes.urls")),
]

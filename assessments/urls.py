from django.urls import include, path

urlpatterns = [
    path("", include("assessments.h5p.urls")),
]

from django.urls import path

from assessments.offline import views

# Inside the language prefix: the manifest is in the module's language, the refusals in the
# phone's.
urlpatterns = [
    path("offline/modules/<int:module_id>/", views.module_manifest, name="offline_module"),
    path(
        "offline/lessons/<int:lesson_id>/module/",
        views.lesson_module_manifest,
        name="offline_lesson_module",
    ),
    path("offline/sync/", views.sync_actions, name="offline_sync"),
]

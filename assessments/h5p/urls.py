from django.urls import path

from assessments.h5p import views

# Outside i18n_patterns: the sandboxed player asks for these without a language prefix.
urlpatterns = [
    path("h5p/embed/<str:content_hash>/", views.embed, name="h5p_embed"),
    path("h5p/offline/<str:content_hash>/", views.offline_player, name="h5p_offline_player"),
    path("h5p/files/<str:content_hash>/<path:path>", views.package_file, name="h5p_file"),
    path("h5p/lessons/<int:lesson_id>/statements", views.statements, name="h5p_statements"),
    path(
        "h5p/lessons/<int:lesson_id>/activities/<uuid:activity_uuid>/state",
        views.state,
        name="h5p_state",
    ),
    path(
        "h5p/preview/<int:activity_id>/statements",
        views.preview_statements,
        name="h5p_preview_statements",
    ),
]

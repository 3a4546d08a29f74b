from django.urls import path

from assessments.quizzes import views

urlpatterns = [
    path("quiz/<int:quiz_id>/", views.quiz_detail, name="quiz_detail"),
    path("quiz/<int:quiz_id>/start/", views.start, name="quiz_start"),
    path("quiz/<int:quiz_id>/attempt/<int:attempt_id>/", views.attempt_page, name="quiz_attempt"),
    path("quiz/<int:quiz_id>/attempt/<int:attempt_id>/save/", views.autosave, name="quiz_autosave"),
    path("quiz/<int:quiz_id>/attempt/<int:attempt_id>/result/", views.result, name="quiz_result"),
]

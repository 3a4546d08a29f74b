from django.urls import path
from django.utils.translation import gettext_lazy as _

from courses import views

urlpatterns = [
    path(_("search/"), views.search, name="search"),
    path(_("my-training/"), views.my_training, name="my_training"),
    path("learning/courses/<int:page_id>/enrol/", views.enrol, name="enrol"),
    path("learning/lessons/<int:page_id>/complete/", views.complete_lesson, name="complete_lesson"),
    path("learning/enrolments/<int:enrolment_id>/withdraw/", views.withdraw, name="withdraw"),
]

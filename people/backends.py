"""The sign-in backends: Django's and allauth's, loading the signed-in person with their roles.

Every signed-in request asks whether the person's roles require a second factor
(`people.middleware.RequireMFAMiddleware`), and the frame asks whether they manage people or see
the register: the groups and the managed institutions are read in the same query as the user
(`UserQuerySet.with_roles`) instead of one more query per request. They are still read on every
request, so a withdrawn role or a deactivated account takes effect at the next page."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _WithRoles:
    def get_user(self, user_id):
        user = get_user_model()._default_manager.with_roles().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithRoles, DjangoModelBackend):
    pass


class AuthenticationBackend(_WithRoles, AllauthBackend):
    pass

"""One way in (issue 14, finding 1): every sign-in page the project exposes, found from the URL
resolver, either is allauth's (password, then the second factor) or leads to it. A session that
signed in by password only, by any path, reaches no privileged page."""

import pytest
from allauth.account.views import LoginView as AllauthLoginView
from django.contrib.auth.models import Group
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.urls import URLPattern, URLResolver, get_resolver

from people.roles import ADMINISTRATORS_GROUP, EDITORS_GROUP
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    UserFactory,
    administrator,
    committee_member,
    manager_of,
)

pytestmark = pytest.mark.django_db


def _walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def sign_in_urls() -> list[str]:
    """Every URL whose view signs a person in: a LoginView (Django's, Wagtail's, allauth's) or
    one named like a login page."""
    urls = []
    for route, pattern in _walk(get_resolver()):
        view_class = getattr(pattern.callback, "view_class", None)
        is_login_view = view_class is not None and issubclass(
            view_class, DjangoLoginView | AllauthLoginView
        )
        if is_login_view or (pattern.name or "").endswith("login"):
            urls.append("/" + route)
    return sorted(set(urls))


def _editor():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    _with_totp(user)
    return user


def _admin_group_member():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=ADMINISTRATORS_GROUP))
    _with_totp(user)
    return user


def _with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


PRIVILEGED = {
    "manager": (lambda: manager_of(InstitutionFactory()), ["/fr/manager/", "/fr/registre/"]),
    "committee": (committee_member, ["/fr/registre/", "/fr/registre/personnes/"]),
    "editor": (_editor, ["/admin/", "/admin/pages/"]),
    "administrator": (_admin_group_member, ["/admin/", "/admin/users/", "/fr/registre/"]),
    "superuser": (administrator, ["/admin/", "/admin/users/", "/fr/manager/people/"]),
}


def test_the_sign_in_pages_are_found_from_the_resolver():
    urls = sign_in_urls()
    for expected in ("/admin/login/", "/fr/_util/login/", "/fr/accounts/login/"):
        assert expected in urls, urls


@pytest.mark.parametrize("role", sorted(PRIVILEGED))
def test_a_password_alone_opens_no_privileged_page_by_any_sign_in_url(client, role):
    make, pages = PRIVILEGED[role]
    user = make()
    for url in sign_in_urls():
        client.logout()
        client.post(
            url,
            {"login": user.email, "username": user.email, "password": PASSWORD},
            follow=True,
        )
        for page in pages:
            response = client.get(page)
            assert response.status_code != 200, (role, url, page)
            assert response.status_code == 302, (role, url, page, response.status_code)
            location = response["Location"]
            # To allauth's sign-in, directly or through the admin's (which leads there).
            assert "/accounts/" in location or location.startswith("/admin/login/"), (
                role,
                url,
                page,
                location,
            )


@pytest.mark.parametrize("role", sorted(PRIVILEGED))
def test_a_session_that_skipped_the_code_is_signed_out(client, role):
    make, pages = PRIVILEGED[role]
    user = make()
    client.password_only_login(user)
    response = client.get(pages[0])
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    # Signing in through allauth asks for the code.
    response = client.post("/fr/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/fr/accounts/2fa/authenticate/"


@pytest.mark.parametrize("role", sorted(PRIVILEGED))
def test_the_same_session_after_the_second_factor_opens_them(client, role):
    make, pages = PRIVILEGED[role]
    user = make()
    client.force_login(user)  # password and code, as allauth records them
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_wagtail_admin_login_posts_never_check_a_password(client):
    """Thirty wrong passwords then the right one at /admin/login/: nobody is signed in there;
    allauth's page is the only one that checks (with its rate limit)."""
    user = administrator()
    for _ in range(30):
        response = client.post("/admin/login/", {"username": user.email, "password": "faux"})
        assert response.status_code == 302
        assert response["Location"].startswith("/fr/accounts/login/")
    client.post("/admin/login/", {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_admin_login_keeps_a_safe_next_and_drops_a_foreign_one(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response["Location"] == "/fr/accounts/login/?next=%2Fadmin%2Fpages%2F"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/fr/accounts/login/"


def test_page_privacy_by_shared_password_is_off(settings):
    from wagtail.admin.forms.pages import PageViewRestrictionForm
    from wagtail.models import PageViewRestriction

    form = PageViewRestrictionForm()
    choices = [value for value, _label in form.fields["restriction_type"].choices]
    assert PageViewRestriction.PASSWORD not in choices


def test_a_signed_in_person_without_admin_access_is_refused_not_looped(client):
    """A manager (no admin access since people/0005) sent to the admin's sign-in by Wagtail gets
    a 403, not a redirect to allauth that sends them back to the admin."""
    client.force_login(manager_of(InstitutionFactory()))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2

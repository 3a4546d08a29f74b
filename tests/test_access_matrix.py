"""Every URL of the project × every role → what they get (issue 14, « one rule »).

The URLs come from the resolver (Wagtail's and allauth's included), so a new URL that is not
classified below fails `test_every_url_is_classified`. Parameters are filled with objects of
*another* institution (Y) or person (B, a learner of Y who has only *requested* to join X): the
roles of institution X must get nothing of them, B and Y's manager must get them, and the
committee, administrators and superusers read them.

Outcomes: "ok" (200, a 405 for a GET on a POST-only view that let the role through, or a
redirect elsewhere than the sign-in page), "login" (sent to sign in), "no" (403 or 404).
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from assessments.quizzes.services import start_attempt, submit_attempt
from certificates.models import RegisterExport
from courses.assignments import assign
from people import services
from people.choices import MembershipRole
from people.models import Cohort, RosterImport
from people.roles import ADMINISTRATORS_GROUP, EDITORS_GROUP
from tests.clients import SignedInClient
from tests.factories import (
    CertificateFactory,
    EnrolmentFactory,
    InstitutionFactory,
    UserFactory,
    administrator,
    committee_member,
    course_with_lessons,
    manager_of,
    member_of,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "learner",
    "requester",
    "manager",
    "other_manager",
    "committee",
    "editor",
    "administrator",
    "superuser",
]
SIGNED_IN = ROLES[1:]
EVERYONE_READERS = {"committee", "administrator", "superuser"}


def _only(*roles, anonymous="login"):
    """`roles` get "ok", the other signed-in roles "no", anonymous visitors `anonymous`."""
    return {
        role: ("ok" if role in roles else "no") if role != "anonymous" else anonymous
        for role in ROLES
    }


PUBLIC = dict.fromkeys(ROLES, "ok")
# allauth's steps that need a sign-in under way (none here): back to the sign-in page.
SIGN_IN_STEP = {**PUBLIC, "anonymous": "login"}
ANY_SIGNED_IN = _only(*SIGNED_IN)
NOBODY = _only(anonymous="no")
MANAGERS = _only("manager", "other_manager", "superuser")
# Objects of institution Y in the manager area: Y's manager and superusers only.
Y_MANAGED = _only("other_manager", "superuser")
REGISTER = _only("manager", "other_manager", *EVERYONE_READERS)
# B's own records: B, Y's manager (B is an active learner of Y), whoever reads everyone.
B_RECORDS = _only("requester", "other_manager", *EVERYONE_READERS)
B_ONLY = _only("requester")

EXPECTED: dict[str, dict[str, str]] = {
    "healthz": PUBLIC,
    "bench_ceiling": PUBLIC,
    "wagtaildocs_serve": NOBODY,  # no such document
    "wagtaildocs_authenticate_with_password": NOBODY,
    "h5p_embed": NOBODY,  # no such package
    "h5p_offline_player": NOBODY,  # no such package
    "h5p_file": NOBODY,
    "h5p_statements": NOBODY,  # the lesson holds no activity
    "h5p_state": NOBODY,
    "h5p_preview_statements": NOBODY,
    # The launch token is the credential, never the session: a made-up one gets nothing.
    "scorm_file": NOBODY,
    "scorm_commit": NOBODY,
    "quiz_detail": ANY_SIGNED_IN,
    "quiz_start": ANY_SIGNED_IN,
    "quiz_attempt": B_ONLY,
    "quiz_autosave": _only(anonymous="login"),  # B's attempt is submitted: nobody saves
    "quiz_result": B_ONLY,
    "certificate_verify": PUBLIC,
    "certificate_verify_form": PUBLIC,
    "profile": ANY_SIGNED_IN,
    "account_login": PUBLIC,
    # Leads visitors to allauth's sign-in; a signed-in person sent here lacks the right: 403.
    "wagtailcore_login": _only(),
    "account_logout": PUBLIC,
    "account_inactive": PUBLIC,
    "account_signup": PUBLIC,
    "account_reauthenticate": ANY_SIGNED_IN,
    "account_request_reauthentication_code": ANY_SIGNED_IN,
    "account_confirm_reauthentication_code": ANY_SIGNED_IN,
    "account_email": ANY_SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": ANY_SIGNED_IN,
    "account_set_password": ANY_SIGNED_IN,
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": SIGN_IN_STEP,
    "account_confirm_email": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "mfa_index": ANY_SIGNED_IN,
    "mfa_authenticate": SIGN_IN_STEP,
    "mfa_reauthenticate": ANY_SIGNED_IN,
    "mfa_activate_totp": ANY_SIGNED_IN,
    # Learners have no authenticator to remove; nobody here has recovery codes yet.
    "mfa_deactivate_totp": _only(*(set(SIGNED_IN) - {"learner", "requester"})),
    "mfa_view_recovery_codes": _only(),
    "mfa_generate_recovery_codes": ANY_SIGNED_IN,
    "mfa_download_recovery_codes": _only(),
    "manager_home": MANAGERS,
    "manager_people": MANAGERS,
    "manager_requests": MANAGERS,
    # B's request to join X: X's manager answers it, nobody else.
    "manager_request_answer": _only("manager", "superuser"),
    "manager_cohorts": MANAGERS,
    "manager_cohort": Y_MANAGED,
    "manager_cohort_rename": Y_MANAGED,
    "manager_cohort_archive": Y_MANAGED,
    "manager_cohort_remove": Y_MANAGED,
    "manager_import": MANAGERS,
    "manager_import_template": MANAGERS,
    "manager_import_preview": Y_MANAGED,
    "manager_import_status": Y_MANAGED,
    "manager_assignments": MANAGERS,
    "manager_assignment_new": MANAGERS,
    "manager_assignment": Y_MANAGED,
    "manager_assignment_export": Y_MANAGED,
    "manager_cohort_report": Y_MANAGED,
    "manager_learner": Y_MANAGED,
    "search": PUBLIC,
    "my_training": ANY_SIGNED_IN,
    "enrol": ANY_SIGNED_IN,
    "complete_lesson": ANY_SIGNED_IN,
    "withdraw": B_ONLY,
    "register_dashboard": REGISTER,
    "register_people": REGISTER,
    "register_print": REGISTER,
    # An export asked for by the committee member: only they download it.
    "register_print_page": _only("committee"),
    "register_export": REGISTER,
    "register_export_status": _only("committee"),
    "register_export_download": _only("committee"),
    "my_certificates": ANY_SIGNED_IN,
    "certificate_download": B_RECORDS,
    "home": PUBLIC,
    "wagtailcore_authenticate_with_password": NOBODY,
    "wagtail_serve": PUBLIC,
    # Offline use (issue 19): the app's manifest, its worker and pages are for everyone; a
    # module's download list is for the person enrolled (B); the sync takes B's own actions.
    "web_manifest": PUBLIC,
    "service_worker": PUBLIC,
    "install_app": PUBLIC,
    "offline_page": PUBLIC,
    # JSON for the phone's scripts: a visitor is refused, not sent to a sign-in page; a person
    # not enrolled gets 409 with the reason.
    "offline_module": _only("requester", anonymous="no"),
    "offline_lesson_module": _only("requester", anonymous="no"),
    "offline_sync": NOBODY,
    # Wagtail's images only (no such file here); documents and packages go through their views.
    "media": NOBODY,
}

# The admin: only editors, administrators and superusers enter; these pages show people's data
# and are closed to editors too.
ADMIN_ROLES = {"editor", "administrator", "superuser"}
ADMIN_PUBLIC = {"wagtailadmin_sprite", "wagtailadmin_javascript_catalog", "wagtailadmin_login"}
# Wagtail's style guide raises on purpose to show its error page.
ADMIN_ERROR_TESTS = {"wagtailstyleguide_error_test", "wagtailadmin_error_test"}
ADMIN_PEOPLE_PAGES = {
    "/admin/snippets/people/membership/": _only("administrator", "superuser"),
    "/admin/snippets/people/cohort/": _only("administrator", "superuser"),
    "/admin/snippets/choose/people/membership/": _only("administrator", "superuser"),
    "/admin/snippets/choose/people/cohort/": _only("administrator", "superuser"),
    "/admin/localize/api/snippets/people/membership/": _only("administrator", "superuser"),
    "/admin/localize/api/snippets/people/cohort/": _only("administrator", "superuser"),
    "/admin/users/": _only("administrator", "superuser"),
}


def _walk(resolver, prefix="", namespaces=()):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name, namespaces


def all_urls():
    return list(_walk(get_resolver()))


def _is_admin(route: str) -> bool:
    return route.lstrip("^").startswith("admin/")


# --- The world ------------------------------------------------------------------------------


@pytest.fixture
def world():
    x, y = InstitutionFactory(name="Institution X"), InstitutionFactory(name="Institution Y")
    requester = member_of(y, email="b@exemple.ml", full_name="Bintou B")
    services.request_membership(user=requester, institution=x)
    editor = UserFactory(email="redac@exemple.ml")
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(editor, generate_totp_secret())
    admin_group_member = UserFactory(email="admins@exemple.ml")
    admin_group_member.groups.add(Group.objects.get(name=ADMINISTRATORS_GROUP))
    TOTP.activate(admin_group_member, generate_totp_secret())
    committee = committee_member(email="comite@exemple.ml")
    other_manager = manager_of(y, email="gest-y@exemple.ml")
    users = {
        "learner": member_of(x, email="l@exemple.ml"),
        "requester": requester,
        "manager": manager_of(x, email="gest-x@exemple.ml"),
        "other_manager": other_manager,
        "committee": committee,
        "editor": editor,
        "administrator": admin_group_member,
        "superuser": administrator(email="root@exemple.ml"),
    }
    course, (module,), (lesson,) = course_with_lessons(modules=1, lessons=1)
    enrolment = EnrolmentFactory(user=requester, course=course)
    certificate = CertificateFactory(holder=requester, course=course)
    cohort = Cohort.objects.create(institution=y, name="Promotion Y")
    cohort.members.add(requester)
    roster_import = RosterImport.objects.create(
        institution=y, uploaded_by=other_manager, file_name="y.csv", rows=[]
    )
    assignment = assign(
        assigned_by=other_manager,
        institution=y,
        due_on=datetime.date(2030, 1, 1),
        course=course,
        cohort=cohort,
    )
    quiz = quiz_with_questions(questions=2)
    attempt = submit_attempt(attempt=start_attempt(user=requester, quiz=quiz))
    printed = RegisterExport.objects.create(
        requested_by=committee, format="print", status="done", filters={}
    )
    export = RegisterExport.objects.create(
        requested_by=committee, format="xlsx", status="done", filters={}, row_count=3
    )
    export.file.save("registre.xlsx", ContentFile(b"PK fichier"), save=True)
    request = requester.memberships.get(institution=x)
    params = {
        "cohort_id": cohort.pk,
        "user_id": requester.pk,
        "import_id": roster_import.pk,
        "assignment_id": assignment.pk,
        "membership_id": request.pk,
        "decision": "accept",
        "fmt": "xlsx",
        "quiz_id": quiz.pk,
        "attempt_id": attempt.pk,
        "page_id": lesson.pk,
        "lesson_id": lesson.pk,
        "module_id": module.pk,
        "enrolment_id": enrolment.pk,
        "certificate_id": certificate.pk,
        "export_id": export.pk,
        "code": certificate.code,
        "content_hash": "0" * 64,
        "activity_uuid": uuid.UUID(int=0),
        "activity_id": 999999,
        "key": "unknown-key",
        "uidb36": "1",
        "restriction_id": 999999,
        "page_view_restriction_id": 999999,
        "path": "x",
        "app_label": "people",
        "model_name": "membership",
    }
    overrides = {
        "enrol": {"page_id": course.pk},
        "register_print_page": {"export_id": printed.pk},
    }
    return users, params, overrides


def _fill(route: str, params: dict) -> str:
    route = route.replace("^", "").replace("$", "")
    route = route.replace("((?:[\\w\\-]+/)*)", "").replace("(\\d+)/(.*)", "999999/x")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(params.get(m.group(1), "1")), route)
    url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(params.get(m.group(2), 1)), route)
    return "/" + url


def _request(client, url):
    """GET; where the view takes POST only, the POST it takes (in a savepoint rolled back, so
    that what one role did changes nothing for the next)."""
    response = client.get(url)
    if response.status_code == 405:
        with transaction.atomic():
            response = client.post(url)
            transaction.set_rollback(True)
    return response


def _admin_urls(params, skip=()):
    """(route, name, url) of every admin URL, parameters filled, but those named in `skip`."""
    for route, name, _ns in all_urls():
        if _is_admin(route) and name not in skip:
            yield route, name, _fill(route, params)


def _outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307):
        location = response["Location"]
        if "/accounts/login/" in location or "/admin/login/" in location:
            return "login"
        # Wagtail sends a person without the permission back to the dashboard.
        return "no" if location == "/admin/" else "ok"
    if status in (200, 204):
        return "ok"
    if status in (400, 403, 404, 409, 410):
        return "no"
    return f"status {status}"


def _clients(users):
    clients = {"anonymous": SignedInClient()}
    for role, user in users.items():
        client = SignedInClient()
        client.force_login(user)
        clients[role] = client
    return clients


# --- The tests --------------------------------------------------------------------------------


def test_every_url_is_classified():
    names = {name for route, name, _ns in all_urls() if not _is_admin(route) and name}
    unnamed = [route for route, name, _ns in all_urls() if not _is_admin(route) and not name]
    assert names - set(EXPECTED) == set(), "classify the new URLs in EXPECTED"
    assert set(EXPECTED) - names == set(), "remove the URLs that no longer exist"
    # Only the catch-all of Wagtail's admin password reset (it leads to allauth) has no name.
    assert unnamed == [], unnamed


def test_each_role_gets_what_the_rule_says_of_every_url(world):
    users, params, overrides = world
    clients = _clients(users)
    failures = []
    seen = set()
    for route, name, _ns in all_urls():
        if _is_admin(route) or name in seen:
            continue
        seen.add(name)
        url = _fill(route, {**params, **overrides.get(name, {})})
        for role in ROLES:
            got = _outcome(_request(clients[role], url))
            expected = EXPECTED[name][role]
            if got != expected:
                failures.append(f"{name} {url} as {role}: {got}, expected {expected}")
    assert failures == [], "\n".join(failures)


def test_only_editors_administrators_and_superusers_enter_the_admin(world):
    users, params, _overrides = world
    clients = _clients(users)
    failures = []
    for route, name, url in _admin_urls(params, skip=ADMIN_PUBLIC):
        for role in set(ROLES) - ADMIN_ROLES:
            response = clients[role].get(url)
            if route.lstrip("^").startswith("admin/password_reset/"):
                # Wagtail's own password reset leads to allauth's.
                if response.get("Location") != "/fr/accounts/password/reset/":
                    failures.append(f"{url} as {role}: {response.status_code}")
                continue
            got = _outcome(response)
            if got not in ("login", "no"):
                failures.append(f"{url} ({name}) as {role}: {got}")
    assert failures == [], "\n".join(failures)


def test_admin_pages_with_people_are_closed_to_editors(world):
    users, _params, _overrides = world
    clients = _clients(users)
    failures = []
    for url, expected in ADMIN_PEOPLE_PAGES.items():
        for role in ROLES:
            got = _outcome(clients[role].get(url))
            # Outside the admin's roles, sent to sign in or refused: both are closed.
            got = "no" if got == "login" and role != "anonymous" else got
            if got != expected[role]:
                failures.append(f"{url} as {role}: {got}, expected {expected[role]}")
    assert failures == [], "\n".join(failures)


def test_admin_pages_open_to_their_roles_never_fail(world):
    users, params, _overrides = world
    clients = _clients(users)
    failures = []
    for _route, name, url in _admin_urls(params, skip=ADMIN_ERROR_TESTS):
        for role in ("editor", "superuser"):
            status = clients[role].get(url).status_code
            if status >= 500:
                failures.append(f"{url} ({name}) as {role}: {status}")
    assert failures == [], "\n".join(failures)


def test_a_manager_membership_without_the_group_needs_the_second_factor(client):
    institution = InstitutionFactory()
    manager = UserFactory()
    # The role alone, as an import or the admin could leave it, without the group.
    from people.models import Membership

    Membership.objects.create(
        user=manager, institution=institution, role=MembershipRole.MANAGER, status="active"
    )
    assert not manager.groups.exists()
    client.password_only_login(manager)
    for url in ("/fr/manager/", "/fr/registre/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/fr/accounts/2fa/totp/activate/"

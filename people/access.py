"""Who sees what, and who may do what: the one rule of the site.

For a user, `access_for(user)` answers two questions.

- **Whose records they read** (`reach`): everyone (superusers, the national committee, the
  « Administrateurs » group), the people of the institutions they manage (managers: their *active*
  manager memberships; a pending request gives nothing), or themself (everyone else). Anonymous
  visitors read nobody's records.
- **What they may do** (the capabilities below): manage people, read the register, issue
  certificates, approve H5P libraries, edit content, enter the Wagtail admin, and whether their
  powers require a second factor.

Every `visible_to(user)` and `managed_by(user)` queryset, the manager area, the register (its SQL
included), the admin reports and the templates derive from this module; nothing else looks at
groups or superuser flags to decide access. The answer is computed once per user object (at most
two queries: the person's groups and the institutions they manage; one when both are asked at
once, as the MFA check does) and remembered on it.
"""

from __future__ import annotations

import enum
from functools import cached_property

from django.db.models import Q

from people.roles import (
    ADMINISTRATORS_GROUP,
    COMMITTEE_GROUP,
    EDITORS_GROUP,
    PRIVILEGED_GROUPS,
)


class Reach(enum.StrEnum):
    NOBODY = "nobody"
    SELF = "self"
    INSTITUTIONS = "institutions"
    EVERYONE = "everyone"


class Access:
    """What one user may see and do. Build it with `access_for(user)`."""

    def __init__(self, user):
        self.user = user
        self.authenticated = bool(user.is_authenticated and user.is_active)
        self.is_superuser = self.authenticated and user.is_superuser

    # --- The facts (lazy: a page asks only what it needs) ------------------------------------

    @cached_property
    def groups(self) -> frozenset[str]:
        if not self.authenticated:
            return frozenset()
        return frozenset(self.user.groups.values_list("name", flat=True))

    @cached_property
    def managed_institution_ids(self) -> frozenset[int] | None:
        """The institutions whose people this user manages; None means every institution (a
        superuser). Only active manager memberships count."""
        if not self.authenticated:
            return frozenset()
        if self.is_superuser:
            return None
        from people.choices import MembershipRole, MembershipStatus
        from people.models import Membership

        return frozenset(
            Membership.objects.filter(
                user=self.user, role=MembershipRole.MANAGER, status=MembershipStatus.ACTIVE
            ).values_list("institution_id", flat=True)
        )

    @property
    def is_committee(self) -> bool:
        return COMMITTEE_GROUP in self.groups

    @property
    def is_administrator(self) -> bool:
        """Superusers and the « Administrateurs » group: one meaning everywhere."""
        return self.is_superuser or ADMINISTRATORS_GROUP in self.groups

    @property
    def is_editor(self) -> bool:
        return EDITORS_GROUP in self.groups

    # --- Whose records ----------------------------------------------------------------------

    @cached_property
    def reach(self) -> Reach:
        if not self.authenticated:
            return Reach.NOBODY
        if self.is_superuser or self.is_committee or self.is_administrator:
            return Reach.EVERYONE
        # Managers read their institutions' people, everyone else only themself: both are one
        # filter (`people_filter`), so telling them apart costs a query only when asked.
        return Reach.INSTITUTIONS if self.managed_institution_ids else Reach.SELF

    @property
    def sees_everyone(self) -> bool:
        return self.reach == Reach.EVERYONE

    def people_filter(self, prefix: str = "") -> Q | None:
        """A filter on User rows (or on rows pointing to a user through `prefix`, e.g.
        "holder__") for the people whose records this user reads; None means no filter."""
        if not self.authenticated:
            return Q(pk__in=[])
        if self.is_superuser or self.is_committee or self.is_administrator:
            return None
        return Q(**{f"{prefix}pk": self.user.pk}) | self.managed_people_filter(prefix)

    def managed_people_filter(self, prefix: str = "") -> Q | None:
        """The people this user manages: active members of their institutions (None: all)."""
        from people.choices import MembershipStatus
        from people.models import Membership

        institutions = self._managed_institutions()
        if institutions is None:
            return None
        members = Membership.objects.filter(
            institution_id__in=institutions, status=MembershipStatus.ACTIVE
        ).values("user_id")
        return Q(**{f"{prefix}pk__in": members})

    def institution_filter(self, field: str = "institution") -> Q | None:
        """Rows of the institutions this user manages (None: all of them)."""
        institutions = self._managed_institutions()
        if institutions is None:
            return None
        return Q(**{f"{field}__in": institutions})

    def _managed_institutions(self):
        """The managed institutions as ids when already known, else as a subquery (so that a
        filter costs no query of its own); None for every institution."""
        if "managed_institution_ids" in self.__dict__ or not self.authenticated:
            ids = self.managed_institution_ids
            return None if ids is None else sorted(ids)
        if self.is_superuser:
            return None
        from people.choices import MembershipRole, MembershipStatus
        from people.models import Membership

        return Membership.objects.filter(
            user=self.user, role=MembershipRole.MANAGER, status=MembershipStatus.ACTIVE
        ).values("institution_id")

    # --- What they may do -------------------------------------------------------------------

    @property
    def manages_people(self) -> bool:
        """The manager area: people, cohorts, roster imports, assignments, progress."""
        ids = self.managed_institution_ids
        return ids is None or bool(ids)

    @property
    def reads_register(self) -> bool:
        return self.sees_everyone or self.manages_people

    @property
    def issues_certificates(self) -> bool:
        """Manual and attendance certificates, revocation (the admin's certificate pages check
        the same through the group's model permissions)."""
        return self.is_administrator

    @property
    def approves_h5p_libraries(self) -> bool:
        return self.is_administrator

    @property
    def edits_content(self) -> bool:
        return self.is_administrator or self.is_editor

    def _read_groups_and_institutions(self) -> None:
        """Both facts in one query (a union), for the questions that need both — the MFA check
        asks them on every signed-in request."""
        from django.contrib.auth.models import Group
        from django.db.models import CharField, Value
        from django.db.models.functions import Cast

        from people.choices import MembershipRole, MembershipStatus
        from people.models import Membership

        groups = (
            Group.objects.filter(user=self.user)
            .annotate(kind=Value("group"))
            .values_list("kind", "name")
        )
        institutions = (
            Membership.objects.filter(
                user=self.user, role=MembershipRole.MANAGER, status=MembershipStatus.ACTIVE
            )
            .annotate(kind=Value("institution"), value=Cast("institution_id", CharField()))
            .values_list("kind", "value")
        )
        rows = list(groups.union(institutions, all=True))
        self.__dict__["groups"] = frozenset(value for kind, value in rows if kind == "group")
        self.__dict__["managed_institution_ids"] = frozenset(
            int(value) for kind, value in rows if kind == "institution"
        )

    @property
    def requires_second_factor(self) -> bool:
        """The powers decide, not only the groups: a manager membership without the
        « Gestionnaires » group needs a second factor too."""
        if not self.authenticated:
            return False
        if (
            not self.is_superuser
            and "groups" not in self.__dict__
            and "managed_institution_ids" not in self.__dict__
        ):
            if hasattr(self.user, "role_group_names"):  # read with the user (`with_roles`)
                self.__dict__["groups"] = frozenset(self.user.role_group_names)
                self.__dict__["managed_institution_ids"] = frozenset(
                    self.user.role_managed_institution_ids
                )
            else:
                self._read_groups_and_institutions()
        return bool(
            self.is_superuser
            or self.user.is_staff
            or self.groups & set(PRIVILEGED_GROUPS)
            or self.manages_people
        )


def scope_to_people(queryset, user, field: str):
    """`queryset` limited to the rows of people whose records `user` reads; `field` names the
    row's link to the person (e.g. "holder")."""
    condition = access_for(user).people_filter(prefix=f"{field}__")
    return queryset if condition is None else queryset.filter(condition)


def access_for(user) -> Access:
    """The user's access, computed once per user object."""
    cached = getattr(user, "_access", None)
    if cached is None or cached.user is not user:
        cached = Access(user)
        user._access = cached
    return cached


def require_permission(user, permission: str) -> None:
    """The admin views' check of a model permission (e.g. "certificates.add_certificate"):
    PermissionDenied when the user lacks it."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm(permission):
        raise PermissionDenied

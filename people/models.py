from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from people.choices import (
    AppealJurisdiction,
    InstitutionKind,
    Language,
    MembershipRole,
    MembershipStatus,
    Profession,
    Sex,
)


class UserQuerySet(models.QuerySet):
    def with_roles(self) -> UserQuerySet:
        """Each user with the names of their groups and the institutions they manage (active
        manager memberships), read in the same query (`people.access.Access` uses them): the
        sign-in backends load the signed-in person this way on every request
        (`people.backends`). Two array subqueries written in SQL: Django's own expressions for
        them cost more CPU to compile than the query they save. PostgreSQL only; elsewhere,
        unchanged (the roles are read when asked)."""
        from django.contrib.auth.models import Group
        from django.db import connections
        from django.db.models.expressions import RawSQL

        from people.choices import MembershipRole, MembershipStatus

        if connections[self.db].vendor != "postgresql":
            return self
        user_table = self.model._meta.db_table
        user_groups = self.model.groups.through._meta.db_table
        return self.annotate(
            role_group_names=RawSQL(
                f'ARRAY(SELECT g.name FROM "{Group._meta.db_table}" g '
                f'JOIN "{user_groups}" ug ON ug.group_id = g.id '
                f'WHERE ug.user_id = "{user_table}"."id")',
                (),
            ),
            role_managed_institution_ids=RawSQL(
                f'ARRAY(SELECT m.institution_id FROM "{Membership._meta.db_table}" m '
                f'WHERE m.user_id = "{user_table}"."id" AND m.role = %s AND m.status = %s)',
                (MembershipRole.MANAGER.value, MembershipStatus.ACTIVE.value),
            ),
        )

    def visible_to(self, user) -> UserQuerySet:
        """People whose records `user` reads (`people.access`): everyone for administrators and
        the committee, themselves and the active members of the institutions they manage for a
        manager, themselves otherwise. The other apps' records of people (enrolments,
        certificates, xAPI statements) are scoped through this one."""
        from people.access import access_for

        condition = access_for(user).people_filter()
        return self if condition is None else self.filter(condition)

    def managed_by(self, user) -> UserQuerySet:
        """The people `user` manages (manager area): active members of their institutions."""
        from people.access import access_for

        access = access_for(user)
        if not access.manages_people:
            return self.none()
        condition = access.managed_people_filter()
        return self if condition is None else self.filter(condition)


def _of_managed_institutions(queryset, user, field: str = "institution"):
    """Rows of the institutions `user` manages (all for a superuser, none for anyone else)."""
    from people.access import access_for

    access = access_for(user)
    if not access.manages_people:
        return queryset.none()
    condition = access.institution_filter(field)
    return queryset if condition is None else queryset.filter(condition)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who uses the platform. The e-mail address is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=200,
        blank=True,
        help_text=_("As it should appear on certificates."),
    )
    matricule = models.CharField(
        _("staff number (matricule)"), max_length=50, blank=True, help_text=_("Optional.")
    )
    profession = models.CharField(
        _("profession"), max_length=30, choices=Profession.choices, blank=True
    )
    sex = models.CharField(
        _("sex"),
        max_length=1,
        choices=Sex.choices,
        blank=True,
        help_text=_("Optional; used only for the disaggregated figures of the national report."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]


class Region(models.Model):
    """An administrative region; administrators edit the list as the map changes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="institutions"
    )
    appeal_jurisdiction = models.CharField(
        _("court-of-appeal jurisdiction"),
        max_length=10,
        choices=AppealJurisdiction.choices,
        blank=True,
        help_text=_("The committee counts cases by court-of-appeal jurisdiction."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user) -> CohortQuerySet:
        """Cohorts of the institutions `user` manages (`people.access`)."""
        return _of_managed_institutions(self, user)

    def active(self) -> CohortQuerySet:
        return self.filter(archived_at__isnull=True)


class Cohort(models.Model):
    """A group of an institution's people, e.g. "Promotion 2026"."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=150)
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="cohorts", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["institution__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="cohort_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.institution})"


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.ACTIVE)

    def managed_by(self, user) -> MembershipQuerySet:
        """The active manager memberships of `user` (one per institution they manage)."""
        if not user.is_authenticated:
            return self.none()
        return self.active().filter(user=user, role=MembershipRole.MANAGER)

    def visible_to(self, user) -> MembershipQuerySet:
        """Memberships of the institutions `user` manages, pending requests included (a manager
        answers them), and the user's own."""
        from people.access import access_for

        if not user.is_authenticated:
            return self.none()
        condition = access_for(user).institution_filter()
        return self if condition is None else self.filter(condition | Q(user=user))


class Membership(models.Model):
    """A person's role in an institution. A learner's own request stays pending until a manager
    (or an administrator) accepts it."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.LEARNER
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.REQUESTED,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"], name="one_membership_per_institution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.institution} ({self.get_role_display()})"


class RosterImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RosterImportQuerySet(models.QuerySet):
    def visible_to(self, user) -> RosterImportQuerySet:
        return _of_managed_institutions(self, user)


class RosterImport(models.Model):
    """An uploaded roster: its parsed rows wait here between the dry run and the confirmation."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="roster_imports",
    )
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RosterImportStatus.choices,
        default=RosterImportStatus.PREVIEW,
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

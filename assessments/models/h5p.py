"""H5P: shared libraries, uploaded activities (packages), learners' xAPI statements and saved state.

Files live in the default storage (MEDIA_ROOT, or the media bucket: config/storage.py) under
content-hash paths:
`h5p/libraries/<hash>/…` for a library version, `h5p/content/<hash>/…` for a package's content.
The lesson a statement or a state belongs to is a plain `wagtailcore.Page` foreign key, so these
migrations never depend on the course pages' own.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def content_storage_path(content_hash: str, relative: str) -> str:
    """Where a package's `h5p.json` and `content/…` files are stored."""
    return f"h5p/content/{content_hash}/{relative}"


class H5PLibraryQuerySet(models.QuerySet):
    def approved(self) -> H5PLibraryQuerySet:
        return self.filter(approved_at__isnull=False)

    def awaiting_approval(self) -> H5PLibraryQuerySet:
        return self.filter(approved_at__isnull=True)

    def same_minor(self, machine_name: str, major: int, minor: int) -> H5PLibraryQuerySet:
        """The installed patch versions of one `machineName major.minor`, newest first."""
        return self.filter(
            machine_name=machine_name, major_version=major, minor_version=minor
        ).order_by("-patch_version")


class H5PLibrary(models.Model):
    """One version of an H5P library (its code), stored once and shared by every package."""

    machine_name = models.CharField(_("machine name"), max_length=127)
    major_version = models.PositiveIntegerField(_("major version"))
    minor_version = models.PositiveIntegerField(_("minor version"))
    patch_version = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    runnable = models.BooleanField(_("runnable"), default=False)
    definition = models.JSONField(_("library.json"), default=dict)
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    files = models.JSONField(_("files"), default=list, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("installed at"), auto_now_add=True)

    objects = H5PLibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "major_version", "minor_version", "patch_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["machine_name", "major_version", "minor_version", "patch_version"],
                name="one_h5p_library_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.machine_name} {self.version}"

    @property
    def version(self) -> str:
        return f"{self.major_version}.{self.minor_version}.{self.patch_version}"

    @property
    def folder_name(self) -> str:
        """The folder name h5p-standalone asks for: `H5P.Foo-1.2`."""
        return f"{self.machine_name}-{self.major_version}.{self.minor_version}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def storage_path(self, relative: str) -> str:
        return f"h5p/libraries/{self.content_hash}/{relative}"

    @admin.display(description=_("used by"))
    def used_by(self) -> str:
        """The activities that play with this version (prefetch `activities` for a list)."""
        titles = sorted(activity.title for activity in self.activities.all())
        return ", ".join(titles) if titles else "—"


class H5PActivity(models.Model):
    """An uploaded `.h5p` package: its content, and the library versions it plays with."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("title"),
        max_length=255,
        help_text=_("The name editors see when they choose this activity for a lesson."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    main_library = models.ForeignKey(
        H5PLibrary,
        verbose_name=_("content type"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    libraries = models.ManyToManyField(
        H5PLibrary, verbose_name=_("libraries"), related_name="activities", editable=False
    )
    h5p_json = models.JSONField(_("h5p.json"), default=dict, editable=False)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True, editable=False)
    content_files = models.JSONField(_("content files"), default=list, editable=False)
    # What the import noticed without refusing the package (files left out, media from another
    # host): [{"kind": ..., ...}], shown in the admin by `assessments.h5p.notes`.
    import_notes = models.JSONField(_("import notes"), default=list, blank=True, editable=False)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Learners can play the activity only once it is published; it cannot be published "
            "while one of its libraries awaits an administrator's approval."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.is_published and self.pk:
            pending = list(self.libraries_awaiting_approval())
            if pending:
                raise ValidationError(
                    {
                        "is_published": _(
                            "This activity cannot be published yet: an administrator must first "
                            "approve %(libraries)s."
                        )
                        % {"libraries": ", ".join(str(library) for library in pending)}
                    }
                )

    def libraries_awaiting_approval(self) -> H5PLibraryQuerySet:
        return self.libraries.awaiting_approval()

    @property
    def is_approved(self) -> bool:
        """Every library of the package has been approved by an administrator."""
        return not self.libraries_awaiting_approval().exists()

    @property
    def is_playable(self) -> bool:
        """Learners may play it: published, and every library approved."""
        return self.is_published and self.is_approved

    def storage_path(self, relative: str) -> str:
        return content_storage_path(self.content_hash, relative)

    @admin.display(description=_("status"))
    def status(self) -> str:
        if not self.is_approved:
            return str(_("Libraries awaiting approval"))
        return str(_("Playable")) if self.is_published else str(_("Draft"))


class XAPIStatementQuerySet(models.QuerySet):
    def results(self) -> XAPIStatementQuerySet:
        """Top-level results (`completed`/`answered` without a parent activity): the ones that
        count. Sub-question statements are stored, never counted."""
        return self.filter(is_result=True)

    def in_lessons(self) -> XAPIStatementQuerySet:
        return self.filter(is_preview=False)

    def passing(self, threshold: float) -> XAPIStatementQuerySet:
        """Results whose scaled score reaches `threshold`; a result without a score passes only
        a threshold of 0."""
        condition = Q(score_scaled__gte=threshold)
        if threshold <= 0:
            condition |= Q(score_scaled__isnull=True)
        return self.filter(condition)

    def visible_to(self, user) -> XAPIStatementQuerySet:
        """Statements of the learners whose records `user` reads (`people.access`)."""
        from people.access import scope_to_people

        return scope_to_people(self, user, "user")


class XAPIStatement(models.Model):
    """An xAPI statement sent by the H5P player, stored once per statement id.

    `raw` is the statement as received; its actor is ignored: the learner is always `user`,
    the signed-in person who posted it.
    """

    statement_id = models.UUIDField(_("statement id"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="xapi_statements",
    )
    activity = models.ForeignKey(
        H5PActivity,
        verbose_name=_("H5P activity"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    lesson = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_preview = models.BooleanField(_("staff preview"), default=False)
    verb = models.CharField(_("verb"), max_length=255)
    object_id = models.CharField(_("object id"), max_length=500)
    is_result = models.BooleanField(_("counts as a result"), default=False)
    score_raw = models.FloatField(_("raw score"), null=True, blank=True)
    score_min = models.FloatField(_("minimum score"), null=True, blank=True)
    score_max = models.FloatField(_("maximum score"), null=True, blank=True)
    score_scaled = models.FloatField(_("scaled score"), null=True, blank=True)
    success = models.BooleanField(_("success"), null=True, blank=True)
    completion = models.BooleanField(_("completion"), null=True, blank=True)
    raw = models.JSONField(_("statement"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    objects = XAPIStatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_scaled__isnull=True)
                | (Q(score_scaled__gte=-1) & Q(score_scaled__lte=1)),
                name="xapi_scaled_score_between_minus_one_and_one",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "activity", "lesson"], name="xapi_user_activity_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.verb.rsplit('/', 1)[-1]} · {self.activity} · {self.user}"


class H5PUserState(models.Model):
    """The player's saved state (`contentUserData`) of one learner in one activity of a lesson."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="h5p_states"
    )
    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="states")
    lesson = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    state = models.TextField(_("saved state"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P saved state")
        verbose_name_plural = _("H5P saved states")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "lesson"], name="one_h5p_state_per_learner_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.user}"

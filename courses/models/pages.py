"""The Wagtail pages of the site: home page, course catalogue, course, module, lesson.

Tree: HomePage → CourseIndexPage (the catalogue) → CoursePage → ModulePage → LessonPage.
Each page exists once per language (Wagtail locales `fr` and `en`, translated with
wagtail-localize); translations share a `translation_key`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.coreutils import find_available_slug
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from courses.blocks import SHORT_TEXT_FEATURES, LessonBodyBlock, SourcesBlock
from courses.cache import bump_content_version
from courses.forms import CatalogueFilterForm, CoursePageForm, PageForm
from courses.models.querysets import CoursePageQuerySet, LessonPageQuerySet, ModulePageQuerySet
from courses.text import fold, plain
from people.choices import Profession


class SharedRestrictionsMixin:
    """While the page is served, its view restrictions (its own and its ancestors', which
    Wagtail checks before serving it) come from the shared cache (`courses.routing` puts them
    on the page it serves): two queries less per view. They are rows an editor sets, the same
    for every visitor; whether a visitor passes them is still asked for each request. Anywhere
    else (the admin, copies) they are Wagtail's queryset."""

    def get_view_restrictions(self):
        served = getattr(self, "_served_view_restrictions", None)
        return served if served is not None else super().get_view_restrictions()


class TranslatedSlugMixin:
    """A translation gets a slug of its own language: while its slug is still the one of the
    page in the default language (wagtail-localize copies it, and syncs it back while nobody
    translates it) and its title has been translated, the slug is made from the title.

    An English page whose slug an editor set differs from the French one and is kept."""

    def save(self, *args, **kwargs):
        if self.pk and self.locale_id and not kwargs.get("update_fields"):
            self._slug_from_translated_title()
        return super().save(*args, **kwargs)

    def _slug_from_translated_title(self) -> None:
        source = (
            Page.objects.filter(
                translation_key=self.translation_key,
                locale__language_code=settings.LANGUAGE_CODE,
            )
            .exclude(pk=self.pk)
            .values("slug", "title")
            .first()
        )
        if source is None or self.slug != source["slug"] or self.title == source["title"]:
            return
        slug = slugify(self.title)
        parent = self.get_parent()
        if slug and parent is not None:
            self.slug = find_available_slug(parent, slug, ignore_page_id=self.pk)


class HomePage(SharedRestrictionsMixin, Page):
    """The site's root page, one per language."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Short text shown under the title on the home page."),
    )
    body = RichTextField(
        _("body"), blank=True, help_text=_("Longer presentation of the platform (optional).")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    base_form_class = PageForm
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_template(self, request, *args, **kwargs):
        return "courses/home_page.html"

    def route(self, request, path_components):
        """Find the page at the end of the path in one step (two queries: the page and its
        specific row) instead of Wagtail's walk down the tree, two queries per level — a lesson
        sits four levels down. Anything not found that way goes through Wagtail's walk, which
        gives the same result (or the same 404)."""
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = (
                Page.objects.filter(url_path=url_path, path__startswith=self.path)
                .specific()
                .first()
            )
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)


class CourseIndexPage(SharedRestrictionsMixin, TranslatedSlugMixin, Page):
    """The course catalogue: lists the courses below it, filtered by audience and language."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Short text shown above the list of courses."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    base_form_class = PageForm
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None)
        courses = CoursePage.objects.in_catalogue(self)
        if form.is_valid():
            if form.cleaned_data["audience"]:
                courses = courses.for_audience(form.cleaned_data["audience"])
            if form.cleaned_data["language"]:
                courses = courses.available_in(form.cleaned_data["language"])
        courses = list(courses)
        languages = _languages_by_translation_key([course.translation_key for course in courses])
        for course in courses:
            course.languages = languages.get(course.translation_key, [])
        context.update(
            filter_form=form,
            courses=courses,
            is_demo=any(course.is_demo for course in courses),
        )
        return context


def _languages_by_translation_key(keys: list) -> dict:
    """{translation_key: [language codes with a published version]} in one query."""
    order = [code for code, _name in settings.LANGUAGES]
    languages: dict = {}
    rows = (
        Page.objects.live()
        .filter(translation_key__in=keys)
        .values_list("translation_key", "locale__language_code")
    )
    for key, code in rows:
        languages.setdefault(key, []).append(code)
    return {key: sorted(codes, key=order.index) for key, codes in languages.items()}


class CoursePage(SharedRestrictionsMixin, TranslatedSlugMixin, Page):
    code = models.CharField(
        _("code"),
        max_length=32,
        help_text=_(
            "Short reference of the course, the same in every language, e.g. TIP-LOI-2012."
        ),
    )
    version = models.CharField(
        _("version"),
        max_length=20,
        default="1.0",
        help_text=_("Edition of the course, e.g. 2025.1; change it when the content changes."),
    )
    summary = models.TextField(
        _("summary"),
        help_text=_("Two or three sentences shown in the catalogue and at the top of the course."),
    )
    audience = models.JSONField(
        _("audience"),
        default=list,
        blank=True,
        help_text=_("The professions this course is meant for; used by the catalogue filter."),
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("How long the whole course takes, in hours (e.g. 2.5)."),
    )
    learning_objectives = RichTextField(
        _("learning objectives"),
        features=SHORT_TEXT_FEATURES,
        blank=True,
        help_text=_("What the learner can do after the course; one item per line of a list."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate validity (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("How many months the certificate stays valid. Leave empty: it never expires."),
    )
    modules_in_order = models.BooleanField(
        _("modules in order"),
        default=False,
        help_text=_("Tick if a module can only be started once the previous one is completed."),
    )
    self_enrolment_open = models.BooleanField(
        _("self-enrolment open"),
        default=True,
        help_text=_("Tick if learners may enrol themselves; otherwise a manager assigns it."),
    )
    refresher_course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("refresher course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="refreshed_courses",
        help_text=_("The course to take again before the certificate expires (optional)."),
    )
    is_demo = models.BooleanField(
        _("demonstration content"),
        default=False,
        help_text=_(
            "Tick while the course has not been validated by the committee's pedagogical team: "
            "a banner warns the learners."
        ),
    )

    objects = PageManager.from_queryset(CoursePageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("code"), FieldPanel("version")]),
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("learning_objectives"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("estimated_hours"), FieldPanel("certificate_validity_months")]
                ),
                FieldPanel("modules_in_order"),
                FieldPanel("self_enrolment_open"),
                FieldPanel("refresher_course"),
                FieldPanel("is_demo"),
            ],
            heading=_("Rules of the course"),
        ),
    ]
    base_form_class = CoursePageForm
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("learning_objectives"),
        index.SearchField("folded_text"),
    ]
    # The code, audience and rules are the same in every language (wagtail-localize copies them).
    override_translatable_fields = [SynchronizedField("code"), SynchronizedField("version")]

    class Meta:
        verbose_name = _("course")

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(Profession.choices)
        return [str(labels[code]) for code in self.audience if code in labels]

    def folded_text(self) -> str:
        return fold(
            " ".join([self.title, self.code, self.summary, plain(self.learning_objectives)])
        )

    def get_context(self, request, *args, **kwargs):
        from courses import progress  # progress reads these models: import it when serving
        from courses.cache import course_tree

        context = super().get_context(request, *args, **kwargs)
        modules, lessons = course_tree(request, self)
        for module in modules:
            module.lesson_list = [
                lesson for lesson in lessons if lesson.path.startswith(module.path)
            ]
        context.update(
            modules=modules,
            first_lesson=lessons[0] if lessons else None,
            lesson_count=len(lessons),
            **progress.annotate_outline(request.user, self, modules, lessons),
        )
        return context


class ModulePage(SharedRestrictionsMixin, TranslatedSlugMixin, Page):
    objectives = RichTextField(
        _("objectives"),
        features=SHORT_TEXT_FEATURES,
        blank=True,
        help_text=_("What the learner can do after this module."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=0,
        editable=False,
        help_text=_(
            "How long the module takes, in minutes: its published lessons and its quiz (computed)."
        ),
    )
    quiz_minutes = models.PositiveSmallIntegerField(
        _("minutes for the quiz"),
        default=0,
        validators=[MaxValueValidator(600)],
        help_text=_(
            "How long the module's quiz takes, in minutes (0 if it has none). The module's "
            "duration is this plus the durations of its published lessons."
        ),
    )
    is_required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Untick if the module is optional: the course can be completed without it."),
    )

    objects = PageManager.from_queryset(ModulePageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("objectives"),
        FieldRowPanel([FieldPanel("quiz_minutes"), FieldPanel("is_required")]),
    ]
    base_form_class = PageForm
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    search_fields = [*Page.search_fields, index.SearchField("objectives")]

    class Meta:
        verbose_name = _("module")

    def save(self, *args, **kwargs):
        # A revision published later carries the duration it had when it was saved: the
        # duration always comes from the lessons as they are now.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "estimated_minutes" in update_fields:
            self.estimated_minutes = self.computed_minutes()
        return super().save(*args, **kwargs)

    def computed_minutes(self) -> int:
        lessons = 0
        if self.pk:
            lessons = (
                LessonPage.objects.live()
                .child_of(self)
                .aggregate(total=models.Sum("estimated_minutes"))["total"]
                or 0
            )
        return min(lessons + (self.quiz_minutes or 0), 32767)

    @classmethod
    def recompute_minutes(cls, path: str) -> None:
        """Recompute the duration of the module at `path` (after one of its lessons was saved,
        published, unpublished, deleted or moved), without a new revision."""
        module = cls.objects.filter(path=path).only("id", "path", "depth", "quiz_minutes").first()
        if module is not None:
            cls.objects.filter(pk=module.pk).update(estimated_minutes=module.computed_minutes())
            # An update sends no signal: the outlines that show the duration start again.
            bump_content_version()

    def _frame(self) -> tuple:
        """(the course, the module's published lessons): the same for every visitor."""
        course = CoursePage.objects.ancestor_of(self).first()
        lessons = list(
            LessonPage.objects.live()
            .child_of(self)
            .order_by("path")
            .only(
                "id",
                "title",
                "url_path",
                "path",
                "depth",
                "summary",
                "estimated_minutes",
                "translation_key",
            )
        )
        return course, lessons

    def get_context(self, request, *args, **kwargs):
        from courses import progress  # progress reads these models: import it when serving
        from courses.cache import course_tree, remembered

        context = super().get_context(request, *args, **kwargs)
        course, lessons = remembered(request, "module-frame", self.pk, compute=self._frame)
        context.update(course=course, lessons=lessons)
        if course is not None:
            modules, _lessons = course_tree(request, course)
            context.update(progress.annotate_outline(request.user, course, modules, lessons))
            this = next((module for module in modules if module.pk == self.pk), None)
            context["blocked_by"] = getattr(this, "blocked_by", None)
            context["is_complete"] = getattr(this, "is_complete", False)
            context["assessment"] = getattr(this, "assessment", None)
        return context


class LessonPage(SharedRestrictionsMixin, TranslatedSlugMixin, Page):
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_(
            "One or two sentences shown in the outline of the course and in search results."
        ),
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=15,
        help_text=_("How long the lesson takes to read, in minutes."),
    )
    body = StreamField(
        LessonBodyBlock(),
        blank=True,
        verbose_name=_("body"),
        help_text=_(
            "The lesson: text, callouts, legal excerpts, case studies, images, documents, videos."
        ),
    )
    sources = StreamField(
        SourcesBlock(),
        blank=True,
        verbose_name=_("sources"),
        help_text=_("The texts and reports the lesson rests on, listed at the end of the lesson."),
    )

    objects = PageManager.from_queryset(LessonPageQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        FieldPanel("sources"),
    ]
    base_form_class = PageForm
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("folded_text"),
    ]

    class Meta:
        verbose_name = _("lesson")

    def folded_text(self) -> str:
        body = self.body.stream_block.get_searchable_content(self.body)
        return fold(" ".join([self.title, self.summary, *body]))

    def _frame(self, request) -> tuple:
        """(the course, the breadcrumb), with their `served_url`: the same for every visitor."""
        from courses.cache import with_served_urls

        course = (
            CoursePage.objects.ancestor_of(self)
            .only(
                "id",
                "title",
                "url_path",
                "path",
                "depth",
                "is_demo",
                "code",
                "modules_in_order",
                "translation_key",
            )
            .first()
        )
        ancestors = list(
            Page.objects.ancestor_of(self)
            .filter(depth__gte=2)
            .order_by("depth")
            .only("id", "title", "url_path", "path", "depth", "translation_key")
        )
        with_served_urls(request, [course, *ancestors] if course else ancestors)
        return course, ancestors

    def get_context(self, request, *args, **kwargs):
        """Breadcrumb, module outline and previous/next lesson from the shared cache (the
        course, the ancestors and every lesson of the course: `courses.cache`, three queries
        when it is cold, whatever the number of lessons); the learner's progress read for this
        request (`courses.progress.lesson_progress_context`)."""
        from courses import progress  # progress reads these models: import it when serving
        from courses.cache import course_tree, remembered, site_id

        context = super().get_context(request, *args, **kwargs)
        course, ancestors = remembered(
            request, "lesson-frame", self.pk, site_id(request), compute=lambda: self._frame(request)
        )
        modules, lessons = course_tree(request, course) if course else ([], [])
        module_path = self.path[: -self.steplen]
        position = next((i for i, lesson in enumerate(lessons) if lesson.pk == self.pk), None)
        outline = [lesson for lesson in lessons if lesson.path.startswith(module_path)]
        module = ancestors[-1] if ancestors and ancestors[-1].path == module_path else None
        next_lesson = (
            lessons[position + 1] if position is not None and position + 1 < len(lessons) else None
        )
        context.update(
            progress.lesson_progress_context(
                request,
                self,
                course,
                outline,
                module=module,
                next_lesson=next_lesson,
                modules=modules,
            )
        )
        context.update(
            course=course,
            module=module,
            breadcrumb=ancestors,
            outline=outline,
            previous_lesson=lessons[position - 1] if position else None,
            next_lesson=next_lesson,
        )
        return context

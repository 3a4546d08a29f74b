"""Named reads of the course pages."""

from __future__ import annotations

from wagtail.models import Page
from wagtail.query import PageQuerySet

OUTLINE_FIELDS = (
    "id",
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "live",
    "locale_id",
    "translation_key",
)


def with_outline_of(queryset, *pages: str, also: tuple[str, ...] = ()):
    """`queryset` with the pages it points at (`pages`, foreign keys to course pages) joined
    and read with only what a list shows and links to (`OUTLINE_FIELDS`), its own columns
    whole, and `also` (other related columns): a page's forty-odd columns and its body cost
    more CPU to select and load than the query they sit in."""
    own = [field.name for field in queryset.model._meta.concrete_fields]
    return queryset.select_related(*pages, *(name.split("__")[0] for name in also)).only(
        *own, *(f"{page}__{name}" for page in pages for name in OUTLINE_FIELDS), *also
    )


class CoursePageQuerySet(PageQuerySet):
    def in_catalogue(self, catalogue: Page) -> CoursePageQuerySet:
        """The published courses listed by `catalogue`, in the editors' order."""
        return self.live().child_of(catalogue).order_by("path")

    def for_audience(self, profession: str) -> CoursePageQuerySet:
        """Courses meant for `profession` (a `people.choices.Profession` value).

        The audience is a JSON list; matching its quoted item works on SQLite and PostgreSQL alike
        (JSON containment is not available on SQLite)."""
        return self.filter(audience__icontains=f'"{profession}"')

    def available_in(self, language_code: str) -> CoursePageQuerySet:
        """Courses with a published version in `language_code`."""
        published = Page.objects.live().filter(locale__language_code=language_code)
        return self.filter(translation_key__in=published.values("translation_key"))


class ModulePageQuerySet(PageQuerySet):
    def outline_of(self, course: Page) -> ModulePageQuerySet:
        """The published modules of `course` in order, with only what an outline shows."""
        return (
            self.live()
            .child_of(course)
            .order_by("path")
            .only(*OUTLINE_FIELDS, "estimated_minutes", "is_required")
        )


class LessonPageQuerySet(PageQuerySet):
    def outline_of(self, course: Page) -> LessonPageQuerySet:
        """Every published lesson of `course` in reading order, in one query: enough for the
        outline and the previous/next links, whatever the number of lessons."""
        return (
            self.live()
            .descendant_of(course)
            .order_by("path")
            .only(*OUTLINE_FIELDS, "estimated_minutes")
        )

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
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
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_template(self, request, *args, **kwargs):
        return "courses/home_page.html"

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from wagtail.models import Page

from courses.cache import remembered, site_id

register = template.Library()


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to this page in each language: the translated Wagtail page when there is one,
    the view's own `language_urls` ({language code: URL}, for pages whose URL names an object
    of one language, such as a quiz translation), otherwise the same URL with the other
    language prefix."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    translations = {}
    given = context.get("language_urls") or {}
    if isinstance(page, Page) and request is not None:
        translations = remembered(
            request,
            "translations",
            page.pk,
            site_id(request),
            compute=lambda: {
                translation.locale.language_code: translation.get_url(request)
                for translation in page.get_translations(inclusive=True)
                .live()
                .select_related("locale")
            },
        )
    links = []
    for code, name in settings.LANGUAGES:
        if code in given:
            url = given[code]
        elif code in translations:
            url = translations[code]
        else:
            url = translate_url(request.get_full_path() if request else "/", code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"links": links}


@register.simple_tag(takes_context=True)
def catalogue_url(context) -> str:
    """The URL of the course catalogue in the current language ("" when there is none)."""
    from courses.models import CourseIndexPage

    request = context.get("request")

    def url() -> str:
        catalogue = (
            CourseIndexPage.objects.live()
            .filter(locale__language_code=get_language())
            .only("id", "url_path", "path", "depth")
            .first()
        )
        return catalogue.get_url(request) if catalogue else ""

    if request is None:
        return url()
    return remembered(request, "catalogue-url", get_language(), site_id(request), compute=url)


@register.simple_tag(takes_context=True)
def page_href(context, page) -> str:
    """`{% pageurl page %}`, from the `served_url` the shared cache keeps with outlines and
    breadcrumbs (`courses.cache.with_served_urls`) when the page has it."""
    served = getattr(page, "served_url", None)
    if served is not None:
        return served
    return page.get_url(request=context.get("request"))


@register.simple_tag
def lesson_state(lesson) -> str:
    """The badge of a lesson's state in an outline (« Terminé », « En cours », or nothing): built
    here rather than included, since an outline shows it for each of its lessons."""
    state = getattr(lesson, "state", None)
    if state == "done":
        return format_html(
            '<span class="state state-done" title="{done}"><svg aria-hidden="true" '
            'focusable="false" width="12" height="12" viewBox="0 0 12 12"><path '
            'd="M1.5 6.5l3 3 6-7" fill="none" stroke="currentColor" stroke-width="2"/></svg>'
            '<span class="visually-hidden">{done}</span></span>',
            done=gettext("Done"),
        )
    if state == "in_progress":
        return format_html('<span class="state state-progress">{}</span>', gettext("In progress"))
    return ""

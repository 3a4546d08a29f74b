from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page

from courses.cache import remembered
from courses.routing import site_for_request

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
            _site_id(request),
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
    return remembered(request, "catalogue-url", get_language(), _site_id(request), compute=url)


def _site_id(request):
    """The site the links are relative to (a page of another site gets a full URL)."""
    site = site_for_request(request)
    return site.pk if site is not None else None

"""wagtail-localize in the editors' language.

Three things wagtail-localize does in English whatever the admin's language, put right here
(installed by `CoursesConfig.ready()`; tests/courses/test_admin_french.py and
tests/browser/test_admin_browser.py check each):

- dates written with `strftime("%-d %B %Y")`, which names the month in English
  (« Traduit manuellement le 1 December 2026 », the « last published » date of its editor):
  written with Django's localised date format instead;
- words its editor's JavaScript writes without gettext (« More actions », « Français to English
  translation ») or glued to the next word (« Publier dansEnglish »): `admin_words()` gives the
  page the admin's own words for them, and site/static/js/admin-words.js puts them in place;
- its « Translate » form ticks no language: it ticks every language the page is not yet in (on
  this site, English for a French page), and its label « Locales » is « Langues » in French
  (site/locale).
"""

from __future__ import annotations

import datetime
import functools
import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

# Words of Wagtail's and wagtail-localize's French catalogues that this site says otherwise
# (site/locale comes first): a locale is a language here, not a region; « Any » and « Timeline »
# are left in English there. Named here so that `make translations` keeps them in the catalogue.
WAGTAIL_WORDS = [
    gettext_noop("Locale"),
    gettext_noop("Locale: "),
    gettext_noop("locale"),
    gettext_noop("Locales"),
    gettext_noop("Any"),
    gettext_noop("Timeline"),
    gettext_noop("More actions"),
]

# The date in the editor's properties (JSON in an HTML attribute), and nowhere else: the
# segments of an English page may quote English dates, which stay as they are.
LAST_PUBLISHED_DATE = re.compile(
    r"(&quot;lastPublishedDate&quot;: &quot;)(\d{1,2} (?:January|February|March|April|May|June"
    r"|July|August|September|October|November|December) \d{4})(&quot;)"
)


def localised_date(value: datetime.datetime | datetime.date) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "j F Y")


def _localised_last_published(match: re.Match) -> str:
    day = datetime.datetime.strptime(match.group(2), "%d %B %Y").date()  # noqa: DTZ007
    return match.group(1) + escape(localised_date(day)) + match.group(3)


def string_translation_comment(self) -> str | None:
    """`StringTranslation.get_comment`, with the date in the admin's language."""
    date = localised_date(self.updated_at)
    if self.tool_name:
        return _("Translated with {tool_name} on {date}").format(
            tool_name=self.tool_name, date=date
        )
    if self.translation_type == self.TRANSLATION_TYPE_MANUAL:
        return _("Translated manually on {date}").format(date=date)
    if self.translation_type == self.TRANSLATION_TYPE_MACHINE:
        return _("Machine translated on {date}").format(date=date)
    return None


def with_localised_dates(view):
    """Wrap wagtail-localize's editor view: the English dates it wrote into the editor's
    properties (`lastPublishedDate`) are written again in the admin's language."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            charset = response.charset or "utf-8"
            html = response.content.decode(charset)
            fixed = LAST_PUBLISHED_DATE.sub(_localised_last_published, html)
            if fixed != html:
                response.content = fixed.encode(charset)
        return response

    return wrapper


def default_locales_form(form_class):
    class SubmitTranslationForm(form_class):
        """Ticks, by default, every language the object is not yet translated into."""

        ticks_new_locales = True

        def __init__(self, instance, *args, **kwargs):
            super().__init__(instance, *args, **kwargs)
            if not self.is_bound and not self.initial.get("locales"):
                self.initial["locales"] = list(self.fields["locales"].queryset)

    return SubmitTranslationForm


# --- Words of wagtail-localize's editor ----------------------------------------------------------

# Whole sentences for this site's two content languages, so that each language can say them its
# own way (« Publier en anglais », not « Publier dans » followed by « English »).


def _publish_in(code: str, name: str) -> str:
    if code == "fr":
        return _("Publish in French")
    if code == "en":
        return _("Publish in English")
    return _("Publish in %(language)s") % {"language": name}


def _translation_from_to(source: str, target: str, names: dict) -> str:
    if (source, target) == ("fr", "en"):
        return _("Translation from French into English")
    if (source, target) == ("en", "fr"):
        return _("Translation from English into French")
    return _("Translation from %(source)s into %(target)s") % {
        "source": names[source],
        "target": names[target],
    }


def admin_words() -> dict[str, str]:
    """{what wagtail-localize's editor writes: what the admin says}, in the active language;
    only the words that differ."""
    from django.utils.translation.trans_real import DjangoTranslation
    from django.views.i18n import JavaScriptCatalog
    from wagtail.models import Locale

    # The words of wagtail-localize's JavaScript catalogue, as the editor's page loads it.
    catalogue = DjangoTranslation(
        get_language(),
        domain="djangojs",
        localedirs=JavaScriptCatalog().get_paths(["wagtail_localize"]),
    )
    names = {locale.language_code: locale.get_display_name() for locale in Locale.objects.all()}
    words = {"More actions": _("More actions")}
    # wagtail-localize's own msgid, looked up in its catalogue (a variable, so that our
    # makemessages does not take it for one of ours).
    publish_in = "Publish in "
    for code, name in names.items():
        words[catalogue.gettext(publish_in) + name] = _publish_in(code, name)
        for other, other_name in names.items():
            if other != code:
                words[f"{name} to {other_name} translation"] = _translation_from_to(
                    code, other, names
                )
    return {shown: said for shown, said in words.items() if shown != said}


def install() -> None:
    from wagtail_localize import models
    from wagtail_localize.views import edit_translation, submit_translations

    models.StringTranslation.get_comment = string_translation_comment
    if not getattr(edit_translation.edit_translation, "__wrapped__", None):
        edit_translation.edit_translation = with_localised_dates(edit_translation.edit_translation)
    if not getattr(submit_translations.SubmitTranslationForm, "ticks_new_locales", False):
        submit_translations.SubmitTranslationForm = default_locales_form(
            submit_translations.SubmitTranslationForm
        )

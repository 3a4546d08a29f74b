"""Sizes in words for learners: « 2,4 Mo », « 350 Ko » (Django's filesizeformat says « Mio »,
which nobody here reads). One place for the document and video blocks and the offline
downloads."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def size_in_words(size: int) -> str:
    """« 2,4 Mo », « 350 Ko » (decimal comma and units of the active language)."""
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": number_format(max(1, round(size / 1024)))}
    return _("%(size)s MB") % {"size": number_format(size / (1024 * 1024), 1)}

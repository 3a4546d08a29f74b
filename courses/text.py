"""Small text helpers shared by the course pages and the search."""

import unicodedata

from django.utils.html import strip_tags


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents: « Traité » → « traite ».

    Learners often type on keyboards without French accents; the search indexes a folded copy
    of each page and folds the query the same way, so that it matches on every database."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def plain(html: str) -> str:
    """The visible text of a fragment of HTML, on one line."""
    return " ".join(strip_tags(html).split())

"""`{{ bytes|size_words }}`: « 2,4 Mo » (courses/sizes.py)."""

from django import template

from courses.sizes import size_in_words

register = template.Library()


@register.filter
def size_words(size) -> str:
    return size_in_words(int(size)) if size else ""

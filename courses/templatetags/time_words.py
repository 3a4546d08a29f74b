"""`{% load time_words %}`: `{{ moment|in_words }}` (« dans 1 minute », « le 3 décembre à
14 h 00 »), `{{ duration|duration_words }}` (« 1 heure et 30 minutes »), `{{ day|day_month }}`
(« 1er décembre »)."""

from django import template

from courses import when

register = template.Library()


@register.filter
def in_words(moment) -> str:
    return when.moment_in_words(moment) if moment else ""


@register.filter
def duration_words(duration) -> str:
    return when.duration_in_words(duration) if duration is not None else ""


@register.filter
def day_month(day, with_year=True) -> str:
    if not day:
        return ""
    if hasattr(day, "date") and callable(day.date):
        from django.utils import timezone

        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return when.day_month(day, with_year=bool(with_year))

"""Moments and durations in words, in the current language, for the learner's pages:
« dans 1 minute », « demain à 9 h 05 », « le 1er décembre à 14 h 00 », « 1 heure et 30 minutes »
(never « 0:01:00 (heures:minutes:secondes) »)."""

from __future__ import annotations

import datetime
import math

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


def day_month(day: datetime.date, *, with_year: bool = False) -> str:
    """« 3 décembre », « 1er décembre » (French ordinal for the first), « 3 December »."""
    text = date_format(day, "j F Y" if with_year else "j F")
    if day.day == 1 and (get_language() or "").startswith("fr"):
        text = "1er" + text[1:]
    return text


def clock(moment: datetime.datetime) -> str:
    """« 14 h 00 » in French, « 14:00 » in English (local time)."""
    local = timezone.localtime(moment)
    return _("%(hour)s:%(minute)s") % {"hour": local.hour, "minute": f"{local.minute:02d}"}


def moment_in_words(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """When `moment` comes, said as a person would: within the hour in minutes (rounded up),
    then today, tomorrow, or the date, with the time."""
    now = now or timezone.now()
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return _("now")
    if seconds < 3600:
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext("in %(count)d minute", "in %(count)d minutes", minutes) % {"count": minutes}
    day = timezone.localtime(moment).date()
    today = timezone.localtime(now).date()
    if day == today:
        return _("today at %(time)s") % {"time": clock(moment)}
    if day == today + datetime.timedelta(days=1):
        return _("tomorrow at %(time)s") % {"time": clock(moment)}
    return _("on %(date)s at %(time)s") % {
        "date": day_month(day, with_year=day.year != today.year),
        "time": clock(moment),
    }


def duration_in_words(duration: datetime.timedelta) -> str:
    """« 1 minute », « 1 heure et 30 minutes », « 2 jours »."""
    total = int(duration.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    if seconds or not parts:
        parts.append(
            ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
        )
    if len(parts) == 1:
        return parts[0]
    return _("%(list)s and %(last)s") % {"list": ", ".join(parts[:-1]), "last": parts[-1]}

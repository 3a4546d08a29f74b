"""Moments and durations in words (courses/when.py), French and English."""

import datetime

import pytest
from django.utils import timezone, translation

from courses.when import day_month, duration_in_words, moment_in_words

BAMAKO = datetime.UTC  # Africa/Bamako is UTC+0 all year


def _at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=BAMAKO)


NOW = _at(2, 10)


@pytest.mark.parametrize(
    ("moment", "french", "english"),
    [
        (NOW + datetime.timedelta(seconds=5), "dans 1 minute", "in 1 minute"),
        (NOW + datetime.timedelta(seconds=60), "dans 1 minute", "in 1 minute"),
        (NOW + datetime.timedelta(minutes=44, seconds=10), "dans 45 minutes", "in 45 minutes"),
        (_at(2, 14), "aujourd’hui à 14 h 00", "today at 14:00"),
        (_at(3, 9, 5), "demain à 9 h 05", "tomorrow at 9:05"),
        (_at(4, 14), "le 4 décembre à 14 h 00", "on 4 December at 14:00"),
        (
            datetime.datetime(2026, 1, 1, 8, 30, tzinfo=BAMAKO),
            "le 1er janvier 2026 à 8 h 30",
            "on 1 January 2026 at 8:30",
        ),
        (NOW - datetime.timedelta(seconds=1), "maintenant", "now"),
    ],
)
def test_a_moment_in_words(moment, french, english):
    with timezone.override("Africa/Bamako"):
        with translation.override("fr"):
            assert moment_in_words(moment, NOW) == french
        with translation.override("en"):
            assert moment_in_words(moment, NOW) == english


@pytest.mark.parametrize(
    ("duration", "french", "english"),
    [
        (datetime.timedelta(minutes=1), "1 minute", "1 minute"),
        (datetime.timedelta(minutes=30), "30 minutes", "30 minutes"),
        (datetime.timedelta(hours=1, minutes=30), "1 heure et 30 minutes", "1 hour and 30 minutes"),
        (datetime.timedelta(days=2), "2 jours", "2 days"),
        (
            datetime.timedelta(days=1, hours=2, minutes=5),
            "1 jour, 2 heures et 5 minutes",
            "1 day, 2 hours and 5 minutes",
        ),
        (datetime.timedelta(seconds=45), "45 secondes", "45 seconds"),
    ],
)
def test_a_duration_in_words(duration, french, english):
    with translation.override("fr"):
        assert duration_in_words(duration) == french
    with translation.override("en"):
        assert duration_in_words(duration) == english


def test_the_first_of_the_month_reads_premier_in_french():
    with translation.override("fr"):
        assert day_month(datetime.date(2025, 12, 1)) == "1er décembre"
        assert day_month(datetime.date(2025, 12, 11)) == "11 décembre"
        assert day_month(datetime.date(2025, 12, 1), with_year=True) == "1er décembre 2025"
    with translation.override("en"):
        assert day_month(datetime.date(2025, 12, 1)) == "1 December"

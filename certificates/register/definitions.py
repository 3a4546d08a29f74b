"""What each figure of the register means: shown on the dashboard (help panel), the printable
page and the XLSX summary; the README's register section says the same."""

from django.utils.translation import gettext_lazy as _

MEASURE_LABELS = {
    "people": _("People in the register"),
    "trained": _("People trained"),
    "trained_online": _("of whom by e-learning"),
    "trained_in_person": _("of whom in person"),
    "issued": _("Certificates issued"),
    "certified": _("Currently certified"),
    "expiring": _("Expiring within 90 days"),
    "lapsed": _("Lapsed"),
    "in_progress": _("In progress"),
    "overdue": _("Assigned and overdue"),
}

DIMENSION_LABELS = {
    "profession": _("Profession"),
    "institution": _("Institution"),
    "region": _("Region"),
    "sex": _("Sex"),
    "course": _("Course"),
}

STATE_LABELS = {
    "certified": _("Certified"),
    "expiring": _("Certified, expiring soon"),
    "lapsed": _("Expired"),
    "overdue": _("Assigned and overdue"),
    "in_progress": _("In progress"),
    "attended": _("Attended (no certificate)"),
    "": "",
}


def definitions() -> list[tuple[str, str]]:
    """(term, definition) pairs, translated when read."""
    return [
        (
            _("People in the register"),
            _(
                "Everyone with an active learner membership of an institution, plus anyone who "
                "holds a certificate or attended an in-person session (under “Not recorded” "
                "when they have no institution). A person with several institutions is counted "
                "once, under their oldest active learner membership; its institution gives the "
                "region. Profession and sex are those of the person's profile."
            ),
        ),
        (
            _("Trained"),
            _(
                "A person is trained in the period if they received a certificate dated in the "
                "period (e-learning: the course completed online; in person: a certificate "
                "issued for a workshop) or attended an in-person session ending in the period "
                "for which no certificate was issued. Each person counts once, however many "
                "trainings or certificates (a refresher that superseded an older certificate "
                "does not count twice). A revoked certificate never counts, in any period. "
                "E-learning and in-person are counted separately too: someone trained both "
                "ways appears in both, once in the total."
            ),
        ),
        (
            _("Certificates issued"),
            _(
                "Certificates dated in the period that have not been revoked, superseded ones "
                "included (they were issued)."
            ),
        ),
        (
            _("Currently certified"),
            _(
                "People holding, on the reference day, a certificate that is neither revoked "
                "nor superseded on that day and whose validity has not ended (a certificate is "
                "valid through its “valid until” day). A certificate is superseded from the day "
                "its replacement is issued; a replacement that was later revoked supersedes "
                "nothing: the older certificate keeps its validity. The reference day is the "
                "period's last day, or today for a period that has not ended."
            ),
        ),
        (
            _("Expiring within 90 days"),
            _(
                "Currently certified people for whom, in at least one course, the latest valid "
                "certificate ends on or before the 90th day after the reference day."
            ),
        ),
        (
            _("Lapsed"),
            _(
                "People who, in at least one course, had received a certificate by the "
                "reference day but hold no valid one for that course on that day (expired and "
                "not renewed). A person can be certified in one course and lapsed in another."
            ),
        ),
        (
            _("Periods"),
            _(
                "Calendar year: 1 January–31 December. TIP year: 1 April–31 March, named by the "
                "year it starts in (TIP year 2026 = 1 April 2026–31 March 2027, the figures of "
                "the TIP report published in 2027). Any date range, both days included. The "
                "previous period is the year before, or the range of the same length just "
                "before."
            ),
        ),
        (
            _("Breakdowns"),
            _(
                "Totals by profession, institution, region and sex add up to the headline "
                "figures. By course, a person trained in two courses appears in both rows, so "
                "the course rows can add up to more than the total. “In progress” and "
                "“assigned and overdue” (in the list) are as of today."
            ),
        ),
    ]


def figure_phrase(measure: str, count: int) -> str:
    """A figure said in words, e.g. « 7 personnes formées »: how a link to the people behind a
    figure is named (a bare « 7 » tells a screen reader nothing)."""
    # The dashboard names a thousand links: only the measure's own phrase is translated.
    return _FIGURE_PHRASES[measure](count) % {"count": count}


def _phrases():
    from django.utils.translation import ngettext

    return {
        "people": lambda count: ngettext(
            "%(count)s person in the register", "%(count)s people in the register", count
        ),
        "trained": lambda count: ngettext(
            "%(count)s person trained", "%(count)s people trained", count
        ),
        "trained_online": lambda count: ngettext(
            "%(count)s person trained by e-learning",
            "%(count)s people trained by e-learning",
            count,
        ),
        "trained_in_person": lambda count: ngettext(
            "%(count)s person trained in person", "%(count)s people trained in person", count
        ),
        "issued": lambda count: ngettext(
            "%(count)s certificate issued", "%(count)s certificates issued", count
        ),
        "certified": lambda count: ngettext(
            "%(count)s person currently certified", "%(count)s people currently certified", count
        ),
        "expiring": lambda count: ngettext(
            "%(count)s person whose certificate expires within 90 days",
            "%(count)s people whose certificate expires within 90 days",
            count,
        ),
        "lapsed": lambda count: ngettext(
            "%(count)s person whose certificate has lapsed",
            "%(count)s people whose certificate has lapsed",
            count,
        ),
    }


_FIGURE_PHRASES = _phrases()


def link_label(measure: str, count: int, row: str = "") -> str:
    """« 7 personnes formées — voir la liste », or with the breakdown row it belongs to."""
    from django.utils.translation import gettext

    figure = figure_phrase(measure, count)
    if row:
        return gettext("%(figure)s (%(row)s) — see the list") % {"figure": figure, "row": row}
    return gettext("%(figure)s — see the list") % {"figure": figure}


def filters_in_words(
    filters,
    *,
    national: bool,
    institutions: dict,
    regions: dict,
    courses: dict,
) -> str:
    """The filters as a reader says them, e.g. « Filtres : toutes les institutions » or
    « Filtres : Institution : Tribunal de Kayes ; Sexe : Femme » (never `scope=national`).
    `institutions`, `regions` and `courses` map ids (as strings or ints) to names."""
    from django.utils.translation import gettext, pgettext

    from people.choices import Profession, Sex

    none = "none"
    not_recorded = gettext("Not recorded")

    def name(mapping: dict, value: str) -> str:
        if value == none:
            return not_recorded
        return str(mapping.get(value) or mapping.get(int(value) if value.isdigit() else value, "?"))

    parts = []
    if filters.institution:
        parts.append((DIMENSION_LABELS["institution"], name(institutions, filters.institution)))
    for dimension, choices in (("profession", Profession.choices), ("sex", Sex.choices)):
        value = getattr(filters, dimension)
        if value:
            parts.append((DIMENSION_LABELS[dimension], name(dict(choices), value)))
    if filters.region:
        parts.append((DIMENSION_LABELS["region"], name(regions, filters.region)))
    if filters.course:
        label = (
            gettext("No corresponding course")
            if filters.course == none
            else name(courses, filters.course)
        )
        parts.append((DIMENSION_LABELS["course"], label))
    if filters.measure:
        parts.append((gettext("Show"), MEASURE_LABELS[filters.measure]))
    if filters.q:
        parts.append((pgettext("filter", "Search"), gettext("“%(text)s”") % {"text": filters.q}))
    words = [
        pgettext("a filter and its value", "%(name)s: %(value)s")
        % {"name": str(label), "value": str(value)}
        for label, value in parts
    ]
    if not filters.institution:
        words.insert(
            0, gettext("all institutions") if national else gettext("your institutions only")
        )
    separator = pgettext("between filters", "; ")
    return gettext("Filters: %(filters)s") % {"filters": separator.join(words)}

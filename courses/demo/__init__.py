"""Demo curriculum: the catalogue, 3 courses, 11 modules and 35 lessons, in French and English.

Built from `curriculum.json` (our own data, compiled from the public sources it lists). The French
pages come first; the English ones are their Wagtail translations (same `translation_key`,
locale `en`), so the language switch leads from one to the other. Idempotent: a page that
already exists (found by its slug under its parent, or by its translation key) is left as it
is. The quizzes of the curriculum are loaded by the assessments app.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from wagtail.models import Locale, Page

from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage, ModulePage
from people.choices import Profession

CURRICULUM = Path(__file__).with_name("curriculum.json")
LANGUAGES = ("fr", "en")
LESSON_MINUTES = 15
QUIZ_MINUTES = 10


@dataclass(frozen=True)
class CourseSettings:
    """Our editorial choices for each course of the curriculum, which the data does not give."""

    code: str
    audience: tuple[str, ...]
    modules_in_order: bool
    certificate_validity_months: int | None = 24


COURSES = {
    "C1": CourseSettings(
        "TIP-LOI-2012",
        (
            Profession.JUDGE,
            Profession.PROSECUTOR,
            Profession.INVESTIGATING_JUDGE,
            Profession.JUDICIAL_POLICE_OFFICER,
            Profession.POLICE_OFFICER,
            Profession.GENDARME,
            Profession.COURT_CLERK,
        ),
        modules_in_order=True,
    ),
    "C2": CourseSettings(
        "TIP-VICTIME",
        (
            Profession.JUDICIAL_POLICE_OFFICER,
            Profession.POLICE_OFFICER,
            Profession.GENDARME,
            Profession.PROSECUTOR,
            Profession.INVESTIGATING_JUDGE,
            Profession.SOCIAL_WORKER,
        ),
        modules_in_order=True,
    ),
    "C3": CourseSettings(
        "ESCL-ASC-2024",
        (
            Profession.JUDGE,
            Profession.PROSECUTOR,
            Profession.INVESTIGATING_JUDGE,
            Profession.JUDICIAL_POLICE_OFFICER,
            Profession.COURT_CLERK,
            Profession.OTHER,
        ),
        modules_in_order=False,
    ),
}

# Legal instruments the sources reproduce, for lessons whose summary quotes an article.
INSTRUMENTS = {
    "S26": {
        "fr": "Loi n° 2024-027 du 13 décembre 2024 portant Code pénal",
        "en": "Law No. 2024-027 of 13 December 2024 on the Penal Code",
    },
}
ARTICLE_QUOTE = {
    "fr": re.compile(r"Article (?P<article>[\d-]+)\s*:\s*«\s*(?P<text>[^»]+?)\s*»"),
    "en": re.compile(r"Article (?P<article>[\d-]+)\s*:\s*'(?P<text>[^']+?)'"),
}
NEEDS_CHECKING = re.compile(r"vérifi|verif|checked against", re.IGNORECASE)

WORDS = {
    "fr": {
        "catalogue": "Catalogue des cours",
        "catalogue_slug": "cours",
        "catalogue_intro": (
            "Cours de recyclage sur la lutte contre la traite des personnes et les pratiques "
            "assimilées, pour les magistrats, les officiers de police judiciaire et leurs "
            "partenaires. Contenu de démonstration, à valider par l'équipe pédagogique du "
            "Comité national."
        ),
        "course_objectives": "Ce cours couvre :",
        "module_objectives": "Ce module couvre :",
        "check": (
            "<p>Ce résumé repose en partie sur des sources secondaires : vérifiez le texte "
            "au Journal officiel avant de vous en servir dans une procédure.</p>"
        ),
        "check_title": "À vérifier",
    },
    "en": {
        "catalogue": "Course catalogue",
        "catalogue_slug": "courses",
        "catalogue_intro": (
            "Refresher courses on the fight against trafficking in persons and similar practices, "
            "for magistrates, judicial police officers and their partners. Demonstration "
            "content, to be validated by the National Committee's pedagogical team."
        ),
        "course_objectives": "This course covers:",
        "module_objectives": "This module covers:",
        "check": (
            "<p>This summary partly rests on secondary sources: check the text in the Official "
            "Journal before relying on it in a case.</p>"
        ),
        "check_title": "To be checked",
    },
}


def load_curriculum() -> dict:
    return json.loads(CURRICULUM.read_text(encoding="utf-8"))


def _slug(text: str, max_length: int = 50) -> str:
    slug = slugify(text)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def _objectives(intro: str, titles: list[str]) -> str:
    items = format_html_join("", "<li>{}</li>", ((title,) for title in titles))
    return format_html("<p>{}</p><ul>{}</ul>", intro, items)


# --- What each page holds, per language -------------------------------------------------------


def catalogue_fields(lang: str) -> dict:
    words = WORDS[lang]
    return {
        "title": words["catalogue"],
        "slug": words["catalogue_slug"],
        "intro": words["catalogue_intro"],
    }


def course_fields(course: dict, lang: str) -> dict:
    settings = COURSES[course["id"]]
    minutes = sum(
        len(module["lessons"]) * LESSON_MINUTES + QUIZ_MINUTES for module in course["modules"]
    )
    return {
        "title": course[f"title_{lang}"],
        "slug": settings.code.lower(),
        "code": settings.code,
        "version": "2025.1",
        "summary": course[f"description_{lang}"],
        "audience": [str(code) for code in settings.audience],
        "estimated_hours": math.ceil(minutes / 30) / 2,
        "learning_objectives": _objectives(
            WORDS[lang]["course_objectives"], [m[f"title_{lang}"] for m in course["modules"]]
        ),
        "certificate_validity_months": settings.certificate_validity_months,
        "modules_in_order": settings.modules_in_order,
        "self_enrolment_open": True,
        "is_demo": True,
    }


def module_fields(module: dict, lang: str) -> dict:
    return {
        "title": module[f"title_{lang}"],
        "slug": _slug(module[f"title_{lang}"]),
        "objectives": _objectives(
            WORDS[lang]["module_objectives"],
            [lesson[f"title_{lang}"] for lesson in module["lessons"]],
        ),
        "quiz_minutes": QUIZ_MINUTES,
        "is_required": True,
    }


def lesson_body(lesson: dict, lang: str, sources: dict) -> list[dict]:
    """A legal excerpt when the summary quotes an article of a text we can name, then the summary
    as a « key provision » callout, then a warning when the summary says it needs checking."""
    summary = lesson[f"summary_{lang}"]
    words = WORDS[lang]
    body = []
    instrument = next((INSTRUMENTS[s] for s in lesson["sources"] if s in INSTRUMENTS), None)
    quote = ARTICLE_QUOTE[lang].search(summary)
    if instrument and quote:
        source_id = next(s for s in lesson["sources"] if s in INSTRUMENTS)
        body.append(
            {
                "type": "legal_excerpt",
                "value": {
                    "text": quote["text"],
                    "instrument": instrument[lang],
                    "article": quote["article"],
                    "source_url": sources[source_id]["url"],
                },
            }
        )
    body.append(
        {
            "type": "callout",
            "value": {
                "kind": "key_provision",
                "title": "",
                "text": str(format_html("<p>{}</p>", summary)),
            },
        }
    )
    if NEEDS_CHECKING.search(summary):
        body.append(
            {
                "type": "callout",
                "value": {"kind": "warning", "title": words["check_title"], "text": words["check"]},
            }
        )
    return body


def lesson_fields(lesson: dict, lang: str, sources: dict) -> dict:
    return {
        "title": lesson[f"title_{lang}"],
        "slug": _slug(lesson[f"title_{lang}"]),
        "summary": lesson[f"summary_{lang}"],
        "estimated_minutes": LESSON_MINUTES,
        "body": lesson_body(lesson, lang, sources),
        "sources": [
            {"type": "source", "value": {"title": sources[s]["title"], "url": sources[s]["url"]}}
            for s in lesson["sources"]
            if s in sources
        ],
    }


# --- Writing the pages -----------------------------------------------------------------------


def _publish(page: Page, fields: dict) -> None:
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def _ensure_child(parent: Page, model: type[Page], fields: dict) -> tuple[Page, bool]:
    page = model.objects.child_of(parent).filter(slug=fields["slug"]).first()
    if page is not None:
        return page, False
    page = model(**fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _ensure_translation(page: Page, locale: Locale, fields: dict) -> tuple[Page, bool]:
    translation = page.get_translation_or_none(locale)
    if translation is not None:
        return translation.specific, False
    translation = page.copy_for_translation(locale)
    _publish(translation, fields)
    return translation, True


def seed(out=print) -> None:
    curriculum = load_curriculum()
    sources = curriculum["sources"]
    locales = {code: Locale.objects.get(language_code=code) for code in LANGUAGES}
    home = HomePage.objects.get(locale=locales["fr"])
    created = 0

    def ensure(parent, model, item_fields):
        """The French page under `parent` and its English translation."""
        nonlocal created
        page, new = _ensure_child(parent, model, item_fields("fr"))
        created += new
        _translation, new = _ensure_translation(page, locales["en"], item_fields("en"))
        created += new
        return page

    catalogue = ensure(home, CourseIndexPage, catalogue_fields)
    for course in curriculum["courses"]:
        course_page = ensure(catalogue, CoursePage, lambda lang, c=course: course_fields(c, lang))
        for module in course["modules"]:
            module_page = ensure(
                course_page, ModulePage, lambda lang, m=module: module_fields(m, lang)
            )
            for lesson in module["lessons"]:
                ensure(
                    module_page,
                    LessonPage,
                    lambda lang, le=lesson: lesson_fields(le, lang, sources),
                )
    if created:
        out(f"Cours de démonstration : {created} pages créées / demo course pages created.")
    else:
        out("Cours de démonstration déjà présents / demo courses already exist.")
    from courses.demo.assignments import seed_assignment

    seed_assignment(out)

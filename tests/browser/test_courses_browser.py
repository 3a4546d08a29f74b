import factory
import pytest

from courses import demo
from courses.models import LessonPage
from tests.factories import (
    CoursePageFactory,
    DocumentFactory,
    ImageFactory,
    LessonPageFactory,
    ModulePageFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_learner_reads_a_course_in_french_then_switches_to_english(page, screenshot_dir):
    demo.seed(out=lambda line: None)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/fr/cours/")
    assert page.locator("h1").inner_text() == "Catalogue des cours"
    assert page.get_by_text("Contenu de démonstration.").is_visible()
    page.screenshot(path=screenshot_dir / "catalogue-fr.png", full_page=True)

    page.get_by_role("link", name="Esclavage par ascendance et pratiques assimilées").click()
    page.wait_for_url("**/fr/cours/escl-asc-2024/")
    page.screenshot(path=screenshot_dir / "course-fr.png", full_page=True)

    page.get_by_role("link", name="Interdiction et définitions (art. 324-11 et 324-12)").click()
    assert page.locator("h1").inner_text() == "Interdiction et définitions (art. 324-11 et 324-12)"
    assert page.locator("blockquote").first.is_visible()
    page.screenshot(path=screenshot_dir / "lesson-fr.png", full_page=True)

    page.locator("a[rel=next]").click()
    next_title = "Les pratiques assimilées : placement, servage, servitude pour dettes"
    page.wait_for_function(
        "title => document.querySelector('h1').innerText === title", arg=next_title
    )
    french = LessonPage.objects.get(title=next_title)
    english = french.get_translation(demo.Locale.objects.get(language_code="en"))

    page.get_by_role("link", name="EN", exact=True).click()
    page.wait_for_url(f"**{english.url}")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == english.title
    assert page.get_by_text("Demonstration content.").is_visible()


def test_a_lesson_video_is_only_downloaded_when_the_learner_asks(page):
    video = DocumentFactory(
        title="Témoignage",
        file=factory.django.FileField(filename="temoignage.mp4", data=b"0" * 50_000),
    )
    lesson = LessonPageFactory(
        parent=ModulePageFactory(parent=CoursePageFactory()),
        body=[
            {
                "type": "video",
                "value": {
                    "video": video.pk,
                    "poster": ImageFactory().pk,
                    "title": "Témoignage d'une magistrate",
                    "transcript": "",
                },
            }
        ],
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(lesson.url)
    page.wait_for_load_state("networkidle")
    assert page.locator("video").count() == 0
    assert not [url for url in requested if "temoignage" in url]

    page.get_by_role("link", name="Charger la vidéo").click()
    assert page.locator("video source").get_attribute("src") == video.url
    page.wait_for_timeout(500)
    assert [url for url in requested if "temoignage" in url]

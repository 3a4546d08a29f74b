import factory
import pytest

from tests.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    DocumentFactory,
    ImageFactory,
    LessonPageFactory,
    ModulePageFactory,
    every_block_body,
    translate_page,
)


@pytest.fixture
def catalogue(db):
    """The French catalogue and its English translation."""
    french = CourseIndexPageFactory()
    translate_page(french, title="Course catalogue", slug="courses")
    return french


@pytest.fixture
def lesson_with_every_block(catalogue):
    """A French lesson using every block, translated into English down its whole branch."""
    video = DocumentFactory(
        title="Témoignage",
        file=factory.django.FileField(filename="temoignage.mp4", data=b"0" * 4096),
    )
    body = every_block_body(
        image=ImageFactory(), document=DocumentFactory(), video=video, poster=ImageFactory()
    )
    course = CoursePageFactory(parent=catalogue, title="La loi de 2012", code="TIP-LOI-2012")
    module = ModulePageFactory(parent=course, title="Définir la traite")
    lesson = LessonPageFactory(parent=module, title="Les trois éléments", body=body)
    translate_page(course, title="The 2012 law", slug="the-2012-law")
    translate_page(module, title="Defining trafficking", slug="defining-trafficking")
    english = translate_page(lesson, title="The three elements", slug="the-three-elements")
    return lesson, english

import re

import factory
import pytest
from django.utils import translation

from courses.blocks import LessonBodyBlock, SourcesBlock
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    every_block_body,
    h5p_activity,
    quiz_with_questions,
    scorm_package_row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered_blocks():
    """Every block of the lesson body rendered on its own, by block type."""
    video = DocumentFactory(file=factory.django.FileField(filename="clip.mp4", data=b"0" * 5000))
    raw = every_block_body(
        image=ImageFactory(),
        document=DocumentFactory(),
        video=video,
        poster=ImageFactory(),
        h5p_activity=h5p_activity(title="Qualifier les faits"),
        quiz=quiz_with_questions(title="Évaluation du module"),
        scorm_package=scorm_package_row(title="Module du partenaire"),
    )
    stream = LessonBodyBlock().to_python(raw)
    with translation.override("fr"):
        return {child.block_type: child.render() for child in stream}


def test_every_lesson_block_has_a_template_and_renders(rendered_blocks):
    assert set(rendered_blocks) == set(LessonBodyBlock.base_blocks)
    assert "<h2>Introduction</h2>" in rendered_blocks["rich_text"]


def test_callout_shows_its_kind(rendered_blocks):
    assert 'class="callout callout-good_practice"' in rendered_blocks["callout"]
    assert "Bonne pratique" in rendered_blocks["callout"]


def test_legal_excerpt_names_the_instrument_the_article_and_links_the_source(rendered_blocks):
    html = rendered_blocks["legal_excerpt"]
    assert '<blockquote cite="https://example.org/code-penal">' in html
    assert "Loi n° 2024-027 portant Code pénal" in html
    assert "324-11" in html


def test_case_study_reveals_its_discussion_on_demand(rendered_blocks):
    html = rendered_blocks["case_study"]
    facts, questions, details = (
        html.index("Une adolescente"),
        html.index("Quels éléments"),
        html.index("<details>"),
    )
    assert facts < questions < details < html.index("le moyen et le but")


def test_image_is_a_lazy_webp_srcset(rendered_blocks):
    html = rendered_blocks["image"]
    assert 'loading="lazy"' in html
    assert "srcset=" in html and "sizes=" in html
    assert html.count(".webp") >= 3
    assert 'alt="Une salle d&#x27;audience"' in html


def test_document_download_shows_type_and_size(rendered_blocks):
    assert re.search(r"PDF, 2\sKo", rendered_blocks["document"])


def test_video_fetches_only_its_poster_until_asked(rendered_blocks):
    html = rendered_blocks["video"]
    assert "<video" not in html
    assert "data-video-src=" in html and 'data-video-type="video/mp4"' in html
    assert re.search(r"Charger la vidéo \(5\sKo\)", html)  # « Ko », as the offline badge says
    assert "Charger la vidéo" in html
    assert 'loading="lazy"' in html and ".webp" in html
    assert "<details><summary>Transcription</summary>" in html


def test_sources_render_as_linked_titles():
    sources = SourcesBlock().to_python(
        [
            {"type": "source", "value": {"title": "Rapport TIP 2023", "url": "https://ex.org/t"}},
            {"type": "source", "value": {"title": "Sans lien", "url": ""}},
        ]
    )
    html = "".join(child.render() for child in sources)
    assert '<a href="https://ex.org/t" rel="noopener">Rapport TIP 2023</a>' in html
    assert "<li>Sans lien</li>" in html


def test_a_lesson_with_every_block_renders_in_both_languages(client, lesson_with_every_block):
    french, english = lesson_with_every_block
    assert english.translation_key == french.translation_key
    assert english.locale.language_code == "en"

    response = client.get(french.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    for marker in ["callout-good_practice", "<blockquote", "<details>", "srcset=", "video-load"]:
        assert marker in html
    assert "Charger la vidéo" in html

    response = client.get(english.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert english.url.startswith("/en/")
    assert '<html lang="en">' in html and "The three elements" in html
    assert "Load the video" in html and "Show the discussion" in html

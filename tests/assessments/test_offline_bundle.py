"""A module's download: the learner's pages and files, in their language; big documents left out
with their size; an offline quiz's attempt pages with no answer key; nothing for others."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from assessments.models import Attempt, Choice
from courses import services as course_services
from tests.factories import (
    DocumentFactory,
    ImageFactory,
    UserFactory,
    course_with_lessons,
    every_block_body,
    h5p_activity,
    quiz_block,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def module_setup(client):
    learner = UserFactory()
    client.force_login(learner)
    course, modules, lessons = course_with_lessons(modules=1, lessons=2)
    big = DocumentFactory(title="Rapport complet")
    big.file.save("rapport.pdf", ContentFile(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)))
    big.file_size = big.file.size
    big.save()
    lesson = lessons[0]
    lesson.body = every_block_body(
        image=ImageFactory(),
        document=big,
        video=DocumentFactory(),
        poster=ImageFactory(),
        h5p_activity=h5p_activity(),
    )
    lesson.save_revision().publish()
    course_services.enrol(user=learner, course=course)
    return learner, course, modules[0], lessons


def bundle(client, module, status=200):
    response = client.get(f"/fr/offline/modules/{module.pk}/")
    assert response.status_code == status, response.content
    return response.json()


def test_the_download_lists_the_module_its_lessons_images_h5p_and_small_documents(
    client, module_setup, settings
):
    settings.OFFLINE_DOCUMENT_MAX_MB = 2
    _learner, _course, module, lessons = module_setup
    data = bundle(client, module)
    urls = [item["url"] for item in data["urls"]]
    assert module.url in urls
    assert [lesson["url"] for lesson in data["lessons"]] == [lesson.url for lesson in lessons]
    images = [u for u in urls if u.startswith("/media/images/")]
    assert len(images) == 3 + 2  # the image at 360, 720, 1080; the poster at 360, 720
    assert all(".format-webp" in u or u.endswith(".webp") for u in images)
    # The page that plays the phone's copy of the activity, never the sandboxed embed page (a
    # sandboxed frame is never served by the worker), with the player's files and the package's.
    assert any(u.startswith("/h5p/offline/") for u in urls)
    assert not any(u.startswith("/h5p/embed/") for u in urls)
    assert any(u.endswith("/h5p.json") for u in urls)
    assert {"/static/js/h5p-host.js", "/static/h5p/main.bundle.js"} <= set(urls)
    assert "/static/h5p/fonts/h5p-core-30.woff2" in urls
    assert "/static/css/site.css" in urls
    # The 3 MB report is left out, its size in French.
    assert data["left_out"][0]["title"] == "Guide pratique"  # the block's title
    assert data["left_out"][0]["size_text"] == "3,0 Mo"
    assert data["left_out"][0]["reason"] == "Plus de 2,0 Mo : à lire en ligne."
    # Every listed address answers to the learner.
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_an_offline_quiz_gives_its_attempt_pages_and_never_the_answer_key(client, module_setup):
    learner, _course, module, _lessons = module_setup
    quiz = quiz_with_questions(questions=7, module=module, offline_allowed=True)
    data = bundle(client, module)
    attempt = Attempt.objects.get(user=learner, quiz=quiz)  # started by the download
    entry = data["quizzes"][0]
    assert entry["attempt"] == attempt.pk and entry["pages"] == 2
    quiz_urls = [item["url"] for item in data["urls"] if item["kind"] == "quiz"]
    assert f"/quiz/{quiz.pk}/attempt/{attempt.pk}/?page=2" in quiz_urls
    assert not any("result" in url for url in quiz_urls)
    payload = json.dumps(data)
    right = [str(k) for k in Choice.objects.filter(is_correct=True).values_list("key", flat=True)]
    for word in ("correct", "is_correct", "explanation"):
        assert word not in payload
    for url in quiz_urls:
        page = client.get(url).content.decode()
        assert "is_correct" not in page and "data-correct" not in page and "correct" not in page
    # The right choices appear only as choices among the others (opaque keys), never marked.
    assert all(key not in payload for key in right)
    # A second download resumes the same attempt: one attempt.
    bundle(client, module)
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_a_quiz_not_offline_is_named_but_not_downloaded(client, module_setup):
    learner, _course, module, lessons = module_setup
    quiz = quiz_with_questions(questions=2)
    lessons[1].body = [quiz_block(quiz)]
    lessons[1].save_revision().publish()
    data = bundle(client, module)
    assert data["quizzes"] == [
        {
            "title": quiz.title,
            "url": f"/quiz/{quiz.pk}/",
            "reason": "Cette évaluation se passe en ligne seulement.",
        }
    ]
    assert not Attempt.objects.filter(user=learner).exists()


def test_a_time_limited_quiz_cannot_be_offline():
    quiz = quiz_with_questions(questions=1, time_limit_minutes=20)
    quiz.offline_allowed = True
    with pytest.raises(ValidationError) as refused:
        quiz.full_clean()
    assert "offline_allowed" in refused.value.message_dict


def test_only_an_enrolled_learner_downloads_and_never_a_locked_module(client):
    from django.test import Client

    course, modules, _lessons = course_with_lessons(modules=2, lessons=1, modules_in_order=True)
    assert Client().get(f"/fr/offline/modules/{modules[0].pk}/").status_code == 403
    learner = UserFactory()
    client.force_login(learner)
    assert bundle(client, modules[0], 409)["error"] == "Inscrivez-vous d’abord à la formation."
    course_services.enrol(user=learner, course=course)
    assert "verrouillé" in bundle(client, modules[1], 409)["error"]
    course_services.withdraw(enrolment=learner.enrolments.get())
    assert "retiré" in bundle(client, modules[0], 409)["error"]


def test_the_module_page_and_my_training_offer_the_download(client, module_setup):
    _learner, _course, module, _lessons = module_setup
    html = client.get(module.url).content.decode()
    assert f'data-bundle-url="/fr/offline/modules/{module.pk}/"' in html
    assert "Télécharger pour lire hors connexion" in html
    assert "Supprimer du téléphone" in html
    html = client.get("/fr/ma-formation/").content.decode()
    assert "/fr/offline/lessons/" in html


def test_ids_that_are_not_a_module_or_a_lesson_are_not_found(client, module_setup):
    _learner, course, module, lessons = module_setup
    for url in (
        f"/fr/offline/modules/{lessons[0].pk}/",  # a lesson's id where a module's goes
        f"/fr/offline/modules/{course.pk}/",
        "/fr/offline/modules/999999/",
        f"/fr/offline/lessons/{module.pk}/module/",  # a module's id where a lesson's goes
        "/fr/offline/lessons/999999/module/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url

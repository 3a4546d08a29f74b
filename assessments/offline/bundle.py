"""What a phone downloads to take a module offline: the learner's manifest of the module.

The list of addresses the page stores (Cache Storage), for this learner and in the module's
language: the module page, its published lessons, the images at the renditions the lesson
template uses (`site/templates/blocks/image.html`, `video.html`), its documents and videos under
`OFFLINE_DOCUMENT_MAX_MB` (the others are listed as left out, with their size), the pages of the
quizzes that may be taken offline (the learner's attempt is started or resumed, so the questions
are fixed on the server; the answer key and the result pages are never listed), and its H5P
activities (the page that plays the phone's copy, the player, the package's files). Nothing of
another person, no staff page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.h5p.player import offline_player_files
from assessments.h5p.services import lesson_h5p_activities
from assessments.models import Quiz
from assessments.offline.rules import check_module_open
from assessments.quizzes import services as quiz_services
from config.pwa import SHELL_STATIC, release
from courses.models import LessonPage, ModulePage
from courses.sizes import size_in_words

# The renditions the lesson templates ask for (srcset_image … format-webp).
IMAGE_WIDTHS = (360, 720, 1080)
POSTER_WIDTHS = (360, 720)
# The lesson's side of the player and the host page's script (the phone's copy of an activity).
H5P_PAGE_STATIC = ["js/h5p-activity.js", "js/h5p-host.js"]


@dataclass
class Bundle:
    module: ModulePage
    urls: list[dict] = field(default_factory=list)
    left_out: list[dict] = field(default_factory=list)
    lessons: list[dict] = field(default_factory=list)
    quizzes: list[dict] = field(default_factory=list)
    _seen: set = field(default_factory=set)

    def add(self, url: str, kind: str, size: int | None = None) -> None:
        if url and url not in self._seen:
            self._seen.add(url)
            self.urls.append({"url": url, "kind": kind, "size": size})


def _file_size(file) -> int | None:
    try:
        return file.size
    except (OSError, ValueError):
        return None


def _add_image(bundle: Bundle, image, widths) -> None:
    if image is None:
        return
    for width in widths:
        rendition = image.get_rendition(f"width-{width}|format-webp")
        bundle.add(rendition.url, "image", _file_size(rendition.file))


def _add_document(bundle: Bundle, document, title: str) -> None:
    if document is None:
        return
    size = document.get_file_size()
    limit = settings.OFFLINE_DOCUMENT_MAX_MB * 1024 * 1024
    if size is not None and size > limit:
        bundle.left_out.append(
            {
                "title": title or document.title,
                "size": size,
                "size_text": size_in_words(size),
                "reason": _("Larger than %(limit)s: read it online.")
                % {"limit": size_in_words(limit)},
            }
        )
        return
    bundle.add(document.url, "document", size)


def _add_lesson_body(bundle: Bundle, lesson: LessonPage) -> None:
    for block in [*lesson.body, *lesson.sources]:
        value = block.value
        if block.block_type == "image":
            _add_image(bundle, value.get("image"), IMAGE_WIDTHS)
        elif block.block_type == "document":
            _add_document(bundle, value.get("document"), value.get("title"))
        elif block.block_type == "video":
            _add_image(bundle, value.get("poster"), POSTER_WIDTHS)
            _add_document(bundle, value.get("video"), value.get("title"))


def _add_h5p(bundle: Bundle, lesson: LessonPage) -> None:
    # The host page that plays the phone's copy (never the sandboxed embed page: a sandboxed
    # frame is never served by the worker), the player's files and the package's.
    for placed in lesson_h5p_activities(lesson):
        activity = placed.activity
        if not activity.is_playable:
            continue
        for name in H5P_PAGE_STATIC:
            bundle.add(static(name), "h5p")
        bundle.add(reverse("h5p_offline_player", args=[activity.content_hash]), "h5p")
        for url in offline_player_files(activity):
            bundle.add(url, "h5p")


def _quizzes_of(module: ModulePage, lessons: list[LessonPage]) -> list[Quiz]:
    found = []
    assessment = quiz_services.module_assessment(module)
    if assessment is not None:
        found.append(assessment)
    for lesson in lessons:
        found.extend(quiz_services.original(quiz) for quiz in quiz_services.lesson_quizzes(lesson))
    unique = {}
    for quiz in found:
        unique.setdefault(quiz.pk, quiz)
    return list(unique.values())


def _add_quiz(bundle: Bundle, user, original: Quiz, module: ModulePage) -> None:
    from assessments.quizzes.views import PAGE_SIZE

    shown = (
        Quiz.objects.filter(translation_key=original.translation_key, locale=module.locale).first()
        or original
    )
    entry = {"title": shown.title, "url": reverse("quiz_detail", args=[shown.pk])}
    if not original.offline_allowed:
        entry["reason"] = _("This assessment is taken online only.")
        bundle.quizzes.append(entry)
        return
    state = quiz_services.availability(user=user, quiz=original)
    if state.passed and state.open_attempt is None:
        entry["reason"] = _("You have passed this assessment.")
        bundle.quizzes.append(entry)
        return
    try:
        # The questions are drawn on the server, now, and kept with the attempt: offline and
        # online, it is one attempt.
        attempt = quiz_services.start_attempt(user=user, quiz=original)
    except quiz_services.QuizRefused as refusal:
        entry["reason"] = refusal.message
        bundle.quizzes.append(entry)
        return
    attempt_url = reverse("quiz_attempt", args=[shown.pk, attempt.pk])
    pages = max(1, -(-len(attempt.question_ids) // PAGE_SIZE))
    bundle.add(entry["url"], "quiz")
    bundle.add(attempt_url, "quiz")
    for number in range(1, pages + 1):
        bundle.add(f"{attempt_url}?page={number}", "quiz")
    entry.update(attempt=attempt.pk, quiz=shown.pk, attempt_url=attempt_url, pages=pages)
    bundle.quizzes.append(entry)


def module_bundle(*, user, module: ModulePage, request) -> dict:
    """The learner's manifest of `module` (raises OfflineRefused when the learner may not take
    it: not enrolled, withdrawn, the module locked)."""
    check_module_open(user=user, module=module)
    bundle = Bundle(module=module)
    for name in SHELL_STATIC:
        bundle.add(static(name), "static")
    bundle.add(module.get_url(request), "page")
    lessons = list(LessonPage.objects.live().child_of(module).order_by("path").specific())
    for lesson in lessons:
        url = lesson.get_url(request)
        bundle.add(url, "page")
        bundle.lessons.append({"id": lesson.pk, "title": lesson.title, "url": url})
        _add_lesson_body(bundle, lesson)
        _add_h5p(bundle, lesson)
    for quiz in _quizzes_of(module, lessons):
        _add_quiz(bundle, user, quiz, module)
    known = [item["size"] for item in bundle.urls if item["size"]]
    return {
        "key": str(module.pk),
        "title": module.title,
        "url": module.get_url(request),
        "language": module.locale.language_code,
        "release": release(),
        "made_at": timezone.now().isoformat(),
        "urls": bundle.urls,
        "lessons": bundle.lessons,
        "quizzes": bundle.quizzes,
        "left_out": bundle.left_out,
        "known_size": sum(known),
    }

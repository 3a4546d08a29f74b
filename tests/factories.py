"""Factories for the whole test suite (never define factories inside test modules)."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from people.choices import InstitutionKind, MembershipRole, MembershipStatus, Profession
from people.models import Cohort, Institution, Membership, Region, User

PASSWORD = "Motdepasse-solide-2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.ml")
    full_name = factory.Faker("name", locale="fr_FR")
    profession = Profession.POLICE_OFFICER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # allauth requires a verified address to sign in; pass verified=False to skip it.
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "District de Bamako"


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = InstitutionKind.POLICE_SCHOOL
    region = factory.SubFactory(RegionFactory)
    appeal_jurisdiction = "bamako"


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Promotion {2000 + n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = MembershipRole.LEARNER
    status = MembershipStatus.ACTIVE


# --- Course pages (issue 3) ----------------------------------------------------------------


def _french_home():
    from courses.models import HomePage

    return HomePage.objects.get(locale__language_code="fr")


class _PageFactory(DjangoModelFactory):
    """Creates a published page under `parent` (a page instance)."""

    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))

    @classmethod
    def _build(cls, model_class, *args, parent=None, **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, parent, **kwargs):
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page


class CourseIndexPageFactory(_PageFactory):
    class Meta:
        model = "courses.CourseIndexPage"

    title = "Catalogue des cours"
    slug = "cours"
    intro = "Les cours de recyclage."
    parent = factory.LazyFunction(_french_home)


def _french_catalogue():
    from courses.models import CourseIndexPage

    return (
        CourseIndexPage.objects.filter(locale__language_code="fr").first()
        or CourseIndexPageFactory()
    )


class CoursePageFactory(_PageFactory):
    class Meta:
        model = "courses.CoursePage"

    title = factory.Sequence(lambda n: f"Cours de recyclage {n}")
    code = factory.Sequence(lambda n: f"TIP-{n:03d}")
    summary = "Un cours sur la traite des personnes."
    audience = factory.LazyFunction(lambda: [Profession.JUDGE, Profession.PROSECUTOR])
    estimated_hours = 2
    learning_objectives = "<ul><li>Qualifier les faits de traite.</li></ul>"
    parent = factory.LazyFunction(_french_catalogue)


class ModulePageFactory(_PageFactory):
    class Meta:
        model = "courses.ModulePage"

    title = factory.Sequence(lambda n: f"Module {n}")
    objectives = "<p>Connaître la loi.</p>"
    quiz_minutes = 10
    parent = factory.SubFactory(CoursePageFactory)


class LessonPageFactory(_PageFactory):
    class Meta:
        model = "courses.LessonPage"

    title = factory.Sequence(lambda n: f"Leçon {n}")
    summary = "Ce que dit la loi n° 2012-023."
    estimated_minutes = 15
    body = factory.LazyFunction(
        lambda: [{"type": "rich_text", "value": "<p>Le texte de la leçon.</p>"}]
    )
    parent = factory.SubFactory(ModulePageFactory)


def translate_page(page, language_code: str = "en", **fields):
    """The Wagtail translation of `page` in `language_code` (its parent must be translated
    already), with `fields` set, published."""
    from wagtail.models import Locale

    locale, _created = Locale.objects.get_or_create(language_code=language_code)
    translation = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


class ImageFactory(DjangoModelFactory):
    class Meta:
        model = "wagtailimages.Image"

    title = factory.Sequence(lambda n: f"Image {n}")
    description = "Une salle d'audience"
    file = factory.django.ImageField(width=1200, height=800, color="green")


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = "wagtaildocs.Document"

    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.django.FileField(filename="guide.pdf", data=b"%PDF-1.4\n" + b"0" * 2048)


def every_block_body(
    *, image, document, video, poster, h5p_activity=None, quiz=None, scorm_package=None
) -> list[dict]:
    """Raw StreamField data for a lesson that uses every block once (the activity blocks when
    their H5P activity, quiz and SCORM package are given)."""
    activities = []
    if h5p_activity is not None:
        activities.append(h5p_block(h5p_activity))
    if quiz is not None:
        activities.append(quiz_block(quiz))
    if scorm_package is not None:
        activities.append(scorm_block(scorm_package))
    return activities + [
        {"type": "rich_text", "value": "<h2>Introduction</h2><p>La traite des personnes.</p>"},
        {
            "type": "callout",
            "value": {
                "kind": "good_practice",
                "title": "Bonne pratique",
                "text": "<p>Entendre la victime dans un lieu sûr.</p>",
            },
        },
        {
            "type": "legal_excerpt",
            "value": {
                "text": "L'esclavage et les pratiques assimilées sont interdits.",
                "instrument": "Loi n° 2024-027 portant Code pénal",
                "article": "324-11",
                "source_url": "https://example.org/code-penal",
            },
        },
        {
            "type": "case_study",
            "value": {
                "title": "L'atelier de couture",
                "facts": "<p>Une adolescente travaille sans salaire.</p>",
                "questions": ["Quels éléments de la traite sont réunis ?"],
                "discussion": "<p>L'acte, le moyen et le but sont réunis.</p>",
            },
        },
        {"type": "image", "value": {"image": image.pk, "alt_text": "", "caption": "Audience"}},
        {"type": "document", "value": {"document": document.pk, "title": "Guide pratique"}},
        {
            "type": "video",
            "value": {
                "video": video.pk,
                "poster": poster.pk,
                "title": "Témoignage d'une magistrate",
                "transcript": "<p>Les formations ont changé ma pratique.</p>",
            },
        },
    ]


# --- H5P packages built by the tests (issue 6) ----------------------------------------------

# A tiny content type written for the tests: a button that sends an xAPI `completed` statement
# with a score, and remembers its clicks as the saved state.
H5P_TEST_LIBRARY_JS = r"""
var H5P = H5P || {};
H5P.TestButton = (function () {
  function TestButton(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.params = params;
    this.clicks = (extras && extras.previousState && extras.previousState.clicks) || 0;
  }
  TestButton.prototype = Object.create(H5P.EventDispatcher.prototype);
  TestButton.prototype.constructor = TestButton;
  TestButton.prototype.attach = function ($container) {
    var self = this;
    var root = $container.get(0);
    root.classList.add("h5p-test-button");
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = self.params.label;
    var status = document.createElement("p");
    status.className = "h5p-test-status";
    status.textContent = "Clics : " + self.clicks;
    button.addEventListener("click", function () {
      self.clicks += 1;
      status.textContent = "Clics : " + self.clicks;
      var event = self.createXAPIEventTemplate("completed");
      event.setScoredResult(self.params.score, self.params.maxScore, self, true,
                            self.params.score >= self.params.maxScore);
      self.trigger(event);
    });
    root.appendChild(button);
    root.appendChild(status);
  };
  TestButton.prototype.getCurrentState = function () {
    return { clicks: this.clicks };
  };
  return TestButton;
})();
"""

H5P_TEST_LIBRARY = {
    "title": "Test button",
    "machineName": "H5P.TestButton",
    "majorVersion": 1,
    "minorVersion": 0,
    "patchVersion": 0,
    "runnable": 1,
    "embedTypes": ["div"],
    "preloadedJs": [{"path": "test-button.js"}],
    "preloadedCss": [{"path": "test-button.css"}],
}


def h5p_package_files(
    *, title="Activité de test", score=7, max_score=10, label="Terminer l'exercice"
) -> dict:
    """The entries of a valid `.h5p` package, {name: bytes}, to alter before zipping."""
    import json

    h5p_json = {
        "title": title,
        "language": "fr",
        "mainLibrary": "H5P.TestButton",
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.TestButton", "majorVersion": 1, "minorVersion": 0}
        ],
    }
    content = {"label": label, "score": score, "maxScore": max_score}
    return {
        "h5p.json": json.dumps(h5p_json).encode(),
        "content/content.json": json.dumps(content).encode(),
        "content/images/photo.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "H5P.TestButton-1.0/library.json": json.dumps(H5P_TEST_LIBRARY).encode(),
        "H5P.TestButton-1.0/test-button.js": H5P_TEST_LIBRARY_JS.encode(),
        "H5P.TestButton-1.0/test-button.css": b".h5p-test-button button{font-size:1.2rem}",
    }


def build_zip(entries: dict) -> bytes:
    """A ZIP archive from {name: bytes or (ZipInfo, bytes)}: a ZipInfo sets modes, links…"""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            if isinstance(data, tuple):
                info, data = data
                archive.writestr(info, data)
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def h5p_package(**kwargs) -> bytes:
    return build_zip(h5p_package_files(**kwargs))


def h5p_activity(*, approve=True, publish=True, uploaded_by=None, title="", **package_kwargs):
    """An imported H5P activity of the test content type, approved and published by default."""
    import io

    from assessments.h5p import services

    activity = services.import_h5p_package(
        file=io.BytesIO(h5p_package(**package_kwargs)), uploaded_by=uploaded_by, title=title
    )
    if approve:
        for library in activity.libraries.all():
            services.approve_h5p_library(library=library, approved_by=uploaded_by)
    if publish and approve:
        services.publish_h5p_activity(activity=activity)
    return activity


def h5p_block(activity, *, pass_threshold=0.0, counts_for_completion=True, title="") -> dict:
    """Raw StreamField data of an H5P activity block, for a lesson body."""
    return {
        "type": "h5p_activity",
        "value": {
            "title": title,
            "activity": activity.pk,
            "pass_threshold": pass_threshold,
            "counts_for_completion": counts_for_completion,
        },
    }


# Real packages exported by the H5P tools (see ../shared/h5p/README.md), read where CI keeps a
# copy of shared/ beside the clone; too large (1 to 3 MB each) to copy into the repository.
REAL_H5P_PACKAGES = (
    "H5P.TrueFalse",
    "H5P.MultiChoice",
    "H5P.Blanks",
    "H5P.DragQuestion",
    "H5P.QuestionSet",
    "H5P.InteractiveVideo",
    "H5P.CoursePresentation",
)


def real_h5p_path(name: str):
    """The path of a real package of ../shared/h5p/; skips the test when it is not there."""
    import pytest
    from django.conf import settings

    path = settings.BASE_DIR.parent / "shared" / "h5p" / f"{name}.h5p"
    if not path.exists():
        pytest.skip(f"{path} is missing: the real H5P packages live in ../shared/h5p/")
    return path


def real_h5p_activity(name: str, *, approve=True, publish=True, title=""):
    """A real package imported as it is, its libraries approved and published by default."""
    from assessments.h5p import services

    with open(real_h5p_path(name), "rb") as handle:
        activity = services.import_h5p_package(file=handle, title=title)
    if approve:
        for library in activity.libraries.all():
            services.approve_h5p_library(library=library, approved_by=None)
    if publish and approve:
        services.publish_h5p_activity(activity=activity)
    return activity


XAPI_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
XAPI_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def xapi_statement(activity, *, verb=None, raw=7, max_score=10, sub_content=False, **extra):
    """A statement as h5p-standalone 3.8.2 sends it (captured from the test content type)."""
    import uuid

    verb = verb or XAPI_COMPLETED
    object_id = f"http://testserver/h5p/activities/{activity.uuid}"
    data = {
        "id": str(uuid.uuid4()),
        "actor": {"name": "Inconnu", "mbox": "mailto:inconnu@exemple.ml", "objectType": "Agent"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {
            "id": object_id + ("?subContentId=3f1c" if sub_content else ""),
            "objectType": "Activity",
            "definition": {
                "extensions": {"http://h5p.org/x-api/h5p-local-content-id": "activity"},
                "name": {"fr": activity.title},
            },
        },
        "context": {
            "contextActivities": {
                "category": [
                    {
                        "id": "http://h5p.org/libraries/H5P.TestButton-1.0",
                        "objectType": "Activity",
                    }
                ]
            }
        },
        "result": {
            "score": {"min": 0, "max": max_score, "raw": raw, "scaled": raw / max_score},
            "completion": True,
            "success": raw >= max_score,
            "duration": "PT4.2S",
        },
    }
    if sub_content:
        data["context"]["contextActivities"]["parent"] = [
            {"id": object_id, "objectType": "Activity"}
        ]
    data.update(extra)
    return data


def post_xapi_statement(client, lesson, data):
    """POST a statement (a dict, or raw text) to a lesson's intake as the lesson page does."""
    import json

    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(
        f"/h5p/lessons/{lesson.pk}/statements", body, content_type="application/json"
    )


# --- Enrolment and progress ---------------------------------------------------------------------


def course_with_lessons(*, modules: int = 2, lessons: int = 2, **course_fields):
    """A published course with `modules` modules of `lessons` reading lessons each; returns
    (course, [module, ...], [lesson, ...]) in reading order."""
    course = CoursePageFactory(**course_fields)
    module_pages, lesson_pages = [], []
    for _ in range(modules):
        module = ModulePageFactory(parent=course)
        module_pages.append(module)
        lesson_pages.extend(LessonPageFactory(parent=module) for _ in range(lessons))
    return course, module_pages, lesson_pages


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = "courses.Enrolment"

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CoursePageFactory)


# --- Certificates -------------------------------------------------------------------------------

from django.utils import timezone  # noqa: E402

from certificates.codes import new_code  # noqa: E402


def completed_enrolment(*, user=None, course=None, modules: int = 1, lessons: int = 1, **fields):
    """An enrolment whose course the learner has completed through the services (the signal is
    sent after commit: wrap in django_capture_on_commit_callbacks(execute=True) to issue)."""
    from courses import services

    if course is None:
        course, _modules, lesson_pages = course_with_lessons(
            modules=modules, lessons=lessons, **fields
        )
    else:
        from courses.models import LessonPage

        lesson_pages = list(LessonPage.objects.descendant_of(course).live())
    user = user or UserFactory()
    enrolment = services.enrol(user=user, course=course)
    for lesson in lesson_pages:
        services.complete_lesson(user=user, lesson=lesson)
    enrolment.refresh_from_db()
    return enrolment


class CertificateFactory(DjangoModelFactory):
    """A certificate row as the services would write it (no PDF, no audit entry)."""

    class Meta:
        model = "certificates.Certificate"

    holder = factory.SubFactory(UserFactory)
    holder_name = factory.LazyAttribute(lambda o: " ".join(o.holder.full_name.split()))
    course = factory.SubFactory(CoursePageFactory)
    course_version = "1.0"
    code = factory.LazyFunction(new_code)
    issued_on = factory.LazyFunction(timezone.localdate)
    manual_reason = "Formation en présentiel"


# --- Quizzes (server-graded) --------------------------------------------------------------------


def question_bank(name: str = ""):
    import uuid

    from assessments.models import QuestionBank

    return QuestionBank.objects.create(name=name or f"Banque {uuid.uuid4().hex[:8]}")


def quiz_question(
    bank,
    *,
    kind: str = "single",
    choices: int = 4,
    correct=(0,),
    category: str = "",
    text: str = "",
    scenario=None,
    explanation: str = "Parce que la loi le dit.",
    english: bool = False,
):
    """A French question with `choices` choices, the ones at the `correct` positions right; with
    `english`, its English translation (same choice keys)."""
    from assessments.models import Choice, Question

    question = Question(
        bank=bank,
        kind=kind,
        category=category,
        text=text or f"Question {Question.objects.count() + 1} ?",
        scenario=scenario,
        explanation=explanation,
    )
    question.choices = [
        Choice(text=f"Réponse {i + 1}", is_correct=i in correct, sort_order=i)
        for i in range(choices)
    ]
    question.save()
    if english:
        from wagtail.models import Locale

        translation = Question(
            bank=bank,
            kind=kind,
            category=category,
            text=f"EN {question.text}",
            explanation="Because the law says so.",
            translation_key=question.translation_key,
            locale=Locale.objects.get(language_code="en"),
        )
        translation.choices = [
            Choice(key=c.key, text=f"Answer {i + 1}", is_correct=c.is_correct, sort_order=i)
            for i, c in enumerate(question.choices.all())
        ]
        translation.save()
    return question


def quiz_with_questions(*, questions: int = 4, bank=None, **quiz_fields):
    """A quiz drawing from a bank of `questions` single-choice questions (first choice right)."""
    from assessments.models import Quiz

    bank = bank or question_bank()
    for _ in range(questions):
        quiz_question(bank)
    quiz_fields.setdefault("title", "Évaluation")
    quiz_fields.setdefault("shuffle_questions", False)
    quiz_fields.setdefault("shuffle_choices", False)
    quiz_fields.setdefault("pass_mark", 50)
    return Quiz.objects.create(bank=bank, **quiz_fields)


def quiz_block(quiz) -> dict:
    return {"type": "quiz", "value": {"quiz": quiz.pk}}


def right_answers(attempt) -> dict[int, list[str]]:
    """{question id: the right choice keys} for an attempt (tests only: the server's key)."""
    from assessments.models import Choice

    keys: dict[int, list[str]] = {pk: [] for pk in attempt.question_ids}
    for question_id, key in Choice.objects.filter(
        question_id__in=keys, is_correct=True
    ).values_list("question_id", "key"):
        keys[question_id].append(str(key))
    return keys


def wrong_answers(attempt) -> dict[int, list[str]]:
    from assessments.models import Choice

    keys: dict[int, list[str]] = {}
    for question_id, key in Choice.objects.filter(
        question_id__in=attempt.question_ids, is_correct=False
    ).values_list("question_id", "key"):
        keys.setdefault(question_id, [str(key)])
    return keys


# --- Manager area (issue 8) ---------------------------------------------------------------------


def manager_of(institution=None, **user_fields):
    """An active manager of `institution` (a new one by default) with a TOTP authenticator, as
    the MFA middleware requires of managers."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from people import services

    institution = institution or InstitutionFactory()
    user = UserFactory(**user_fields)
    services.add_member(user=user, institution=institution, role=MembershipRole.MANAGER)
    TOTP.activate(user, generate_totp_secret())
    return user


def member_of(institution, **user_fields):
    """An active learner of `institution`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, institution=institution)
    return user


def members_of(institution, count: int) -> list:
    """`count` active learners of `institution`, created in bulk (no password: for budgets)."""
    from people.models import User

    start = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(email=f"cadet{start + i}-{institution.pk}@exemple.ml", full_name=f"Cadet {i:04}")
            for i in range(count)
        ]
    )
    users = list(User.objects.filter(email__in=[u.email for u in users]))
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                institution=institution,
                role=MembershipRole.LEARNER,
                status=MembershipStatus.ACTIVE,
            )
            for u in users
        ]
    )
    return users


# --- In-person sessions (issue 9) -------------------------------------------------------------


class TrainingSessionFactory(DjangoModelFactory):
    """A two-day workshop that ended last month (attendance certificates can be issued)."""

    class Meta:
        model = "certificates.TrainingSession"

    title = factory.Sequence(lambda n: f"Atelier ONUDC sur la loi de 2012 n° {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=31))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=1))
    place = "Hôtel de l'Amitié, Bamako"
    region = factory.SubFactory(RegionFactory)
    organiser = "ONUDC"
    funder = "Union européenne"
    trainers = "Me Oumar Touré\nJuge Awa Sidibé"


# --- The national register (issue 9) ----------------------------------------------------------


def committee_member(**user_fields):
    """A member of the national committee with a TOTP authenticator (the MFA middleware asks
    privileged people for one)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from people.roles import COMMITTEE_GROUP

    user = UserFactory(**user_fields)
    user.groups.add(Group.objects.get(name=COMMITTEE_GROUP))
    TOTP.activate(user, generate_totp_secret())
    return user


def administrator(**user_fields):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(is_superuser=True, is_staff=True, **user_fields)
    TOTP.activate(user, generate_totp_secret())
    return user


# --- SCORM ------------------------------------------------------------------------------------
# Packages as authoring tools export them (Storyline, iSpring, Rise): imsmanifest.xml at the top
# with organisations and resources, the ADL schemas beside it, a SCO page whose script finds the
# API by walking up its windows, calls (LMS)Initialize, reads its suspend data and location back,
# and sets values, commits and finishes as the learner clicks.

SCORM_12_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="ml.justice.traite.sco12" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd
        http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd
        http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG-TRAITE">
    <organization identifier="ORG-TRAITE">
      <title>{title}</title>
      <item identifier="ITEM-1" identifierref="RES-SCO" isvisible="true">
        <title>{title}</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-SCO" type="webcontent" adlcp:scormtype="sco" href="{launch}">
      <file href="{launch}"/>
      <file href="lms/sco.js"/>
      <file href="lms/style.css"/>
      <file href="images/logo.png"/>
    </resource>
  </resources>
</manifest>
"""

SCORM_2004_MANIFEST = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<manifest identifier="ml.justice.traite.sco2004" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd
        http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>{edition}</schemaversion>
  </metadata>
  <organizations default="ORG-TRAITE">
    <organization identifier="ORG-TRAITE" adlseq:objectivesGlobalToSystem="false">
      <title>{title}</title>
      <item identifier="ITEM-1" identifierref="RES-SCO">
        <title>{title}</title>
        <imsss:sequencing>
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-SCO" type="webcontent" adlcp:scormType="sco" href="{launch}">
      <file href="{launch}"/>
      <file href="lms/sco.js"/>
      <dependency identifierref="RES-SHARED"/>
    </resource>
    <resource identifier="RES-SHARED" type="webcontent" adlcp:scormType="asset">
      <file href="lms/style.css"/>
      <file href="images/logo.png"/>
    </resource>
  </resources>
</manifest>
"""

SCO_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>{title}</title>
  <link rel="stylesheet" href="lms/style.css">
  <script src="lms/sco.js"></script>
</head>
<body>
  <img src="images/logo.png" alt="">
  <h1>{title}</h1>
  <p id="where">…</p>
  <button type="button" id="next">Page suivante</button>
  <button type="button" id="finish">Terminer le module</button>
</body>
</html>
"""

# One script for both versions, as the pipwerks wrapper most tools ship does it: one walk up the
# windows, stopping at the first that holds either API (the page's own, here).
SCO_SCRIPT = """
(function () {
  var win = window, tries = 0;
  while (!win.API && !win.API_1484_11 && win.parent && win.parent !== win && tries < 10) {
    tries++;
    win = win.parent;
  }
  var v2004 = !!win.API_1484_11, api = win.API_1484_11 || win.API;
  function get(key) {
    return v2004 ? api.GetValue(key) : api.LMSGetValue(key);
  }
  function set(key, value) {
    return v2004 ? api.SetValue(key, value) : api.LMSSetValue(key, value);
  }
  function commit() { return v2004 ? api.Commit("") : api.LMSCommit(""); }
  var LOCATION = v2004 ? "cmi.location" : "cmi.core.lesson_location";
  var started = v2004 ? api.Initialize("") : api.LMSInitialize("");
  var page = parseInt(get(LOCATION) || "1", 10);
  var visited = get("cmi.suspend_data") || "";
  function show() {
    document.getElementById("where").textContent =
      "Page " + page + (visited ? " — déjà vu : " + visited : "") + " — " +
      (v2004 ? "SCORM 2004" : "SCORM 1.2") +
      (started === "true" || started === true ? "" : " — sans LMS");
  }
  document.addEventListener("DOMContentLoaded", function () {
    show();
    document.getElementById("next").addEventListener("click", function () {
      page += 1;
      visited = visited ? visited + "," + page : "1," + page;
      set(LOCATION, String(page));
      set("cmi.suspend_data", visited);
      if (v2004) { set("cmi.completion_status", "incomplete"); set("cmi.exit", "suspend"); }
      else { set("cmi.core.lesson_status", "incomplete"); set("cmi.core.exit", "suspend"); }
      commit();
      show();
    });
    document.getElementById("finish").addEventListener("click", function () {
      var score = window.SCO_SCORE || 85;
      if (v2004) {
        set("cmi.score.raw", String(score)); set("cmi.score.min", "0"); set("cmi.score.max", "100");
        set("cmi.score.scaled", String(score / 100));
        set("cmi.completion_status", "completed");
        set("cmi.success_status", score >= 80 ? "passed" : "failed");
        set("cmi.exit", "normal");
      } else {
        set("cmi.core.score.raw", String(score)); set("cmi.core.score.min", "0");
        set("cmi.core.score.max", "100");
        set("cmi.core.lesson_status", score >= 80 ? "passed" : "failed");
        set("cmi.core.exit", "");
      }
      commit();
      if (v2004) api.Terminate(""); else api.LMSFinish("");
      document.getElementById("where").textContent = "Module terminé : " + score + " %";
    });
  });
})();
"""

# A 1×1 PNG: the extraction checks that an image's bytes are an image.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def scorm_package_files(
    *,
    version: str = "1.2",
    title: str = "La traite des personnes",
    launch: str = "index.html",
    edition: str = "2004 4th Edition",
    score: int | None = None,
    manifest: str | None = None,
) -> dict:
    """The entries of a SCORM package ({name: bytes}); `manifest` replaces imsmanifest.xml."""
    template = SCORM_12_MANIFEST if version == "1.2" else SCORM_2004_MANIFEST
    script = SCO_SCRIPT if score is None else f"window.SCO_SCORE = {score};\n{SCO_SCRIPT}"
    schemas = (
        ["imscp_rootv1p1p2.xsd", "imsmd_rootv1p2p1.xsd", "adlcp_rootv1p2.xsd"]
        if version == "1.2"
        else ["imscp_v1p1.xsd", "adlcp_v1p3.xsd", "adlseq_v1p3.xsd", "imsss_v1p0.xsd"]
    )
    files = {
        "imsmanifest.xml": (
            manifest or template.format(title=title, launch=launch, edition=edition)
        ).encode(),
        launch: SCO_PAGE.format(title=title).encode(),
        "lms/sco.js": script.encode(),
        "lms/style.css": b"body { font-family: sans-serif; margin: 1rem; }\n",
        "images/logo.png": TINY_PNG,
    }
    for name in schemas:
        files[name] = (
            '<?xml version="1.0"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'elementFormDefault="qualified"><!-- {name} --></xs:schema>\n'
        ).encode()
    return files


def scorm_package(**kwargs) -> bytes:
    return build_zip(scorm_package_files(**kwargs))


def scorm_package_row(*, uploaded_by=None, title: str = "", **package_kwargs):
    """An imported SCORM package (1.2 unless `version="2004"`)."""
    import io

    from assessments.scorm import services

    return services.import_scorm_package(
        file=io.BytesIO(scorm_package(**package_kwargs)), uploaded_by=uploaded_by, title=title
    )


def scorm_block(
    package, *, completion_rule="completed", minimum_score=0, counts_for_completion=True, title=""
) -> dict:
    """Raw StreamField data of a SCORM module block, for a lesson body."""
    return {
        "type": "scorm_module",
        "value": {
            "title": title,
            "package": package.pk,
            "completion_rule": completion_rule,
            "minimum_score": minimum_score,
            "counts_for_completion": counts_for_completion,
        },
    }

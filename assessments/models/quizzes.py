"""Server-graded quizzes: question banks, questions with their choices, quizzes and attempts.

Questions and quizzes are translatable snippets (Wagtail locales, like pages): the French
original and its English translation share a `translation_key`, and each choice keeps its `key`
across translations. Attempts refer to the *original* question (the first created of its
translations) and to choice keys, so grading never depends on the language the learner reads.
Answer keys (`Choice.is_correct`) never leave the server before an attempt is submitted: pages
show choices by their opaque `key` only.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, TranslatableMixin

PARTIAL_CREDIT_RULE = _(
    "Multiple response: each right choice ticked earns its share of the point, each wrong "
    "choice ticked takes one share away; the question never scores below zero."
)


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple response")
    TRUE_FALSE = "true_false", _("True or false")


class FeedbackPolicy(models.TextChoices):
    SCORE = "score", _("Score only")
    CORRECTNESS = "correctness", _("Score and which answers were right")
    FULL = "full", _("Full review with explanations")


class QuestionBank(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OriginalsQuerySet(models.QuerySet):
    def originals(self):
        """The first-created of each set of translations (what attempts and grades refer to)."""
        earlier = self.model.objects.filter(
            translation_key=OuterRef("translation_key"), pk__lt=OuterRef("pk")
        )
        return self.filter(~Exists(earlier))

    def in_language(self, language_code: str):
        return self.filter(locale__language_code=language_code)


class CaseScenario(TranslatableMixin, models.Model):
    """A shared stem (the facts of a case) that several questions are asked about."""

    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="scenarios"
    )
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        help_text=_("Reference used by spreadsheet imports, e.g. CAS1; unique in the bank."),
    )
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(
        _("facts"), help_text=_("The facts of the case, shown above each of its questions.")
    )

    objects = OriginalsQuerySet.as_manager()
    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("external_id")]),
        FieldPanel("title"),
        FieldPanel("facts"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("case scenario")
        verbose_name_plural = _("case scenarios")

    def __str__(self) -> str:
        return self.title


class Question(TranslatableMixin, ClusterableModel):
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="questions"
    )
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        help_text=_("Reference used by spreadsheet imports, e.g. C1M1Q1; unique in the bank."),
    )
    category = models.CharField(
        _("category"),
        max_length=100,
        blank=True,
        help_text=_("Used to draw questions at random, e.g. a module code such as C1M1."),
    )
    tags = models.CharField(
        _("tags"), max_length=255, blank=True, help_text=_("Comma-separated keywords.")
    )
    kind = models.CharField(
        _("type"),
        max_length=12,
        choices=QuestionKind.choices,
        default=QuestionKind.SINGLE,
        help_text=PARTIAL_CREDIT_RULE,
    )
    scenario = models.ForeignKey(
        CaseScenario,
        verbose_name=_("case scenario"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("Pick a case if this question is one of several asked about the same facts."),
    )
    text = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after grading when the quiz allows it.")
    )
    source_reference = models.CharField(
        _("source reference"),
        max_length=500,
        blank=True,
        help_text=_("Where the answer can be checked: article, report, link (optional)."),
    )

    objects = OriginalsQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("bank"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("category"), FieldPanel("external_id"), FieldPanel("tags")]),
        FieldPanel("scenario"),
        FieldPanel("text"),
        InlinePanel("choices", label=_("Choices"), min_num=2, max_num=8),
        FieldPanel("explanation"),
        FieldPanel("source_reference"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["bank", "category"])]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    # Opaque, random and the same in every translation: what pages and attempts refer to.
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="choice_key_once_per_question")
        ]

    def __str__(self) -> str:
        return self.text


# The rules of a quiz are one set for all its translations: they are edited on the original
# (the first-created translation, which attempts refer to) and copied to the translations.
QUIZ_SETTINGS = (
    "module",
    "bank",
    "category",
    "draw_count",
    "shuffle_questions",
    "shuffle_choices",
    "pass_mark",
    "max_attempts",
    "min_delay",
    "time_limit_minutes",
    "feedback",
    "offline_allowed",
)


class QuizAdminForm(WagtailAdminModelForm):
    """On a translation, the rules are shown but cannot be changed (a tampered value posted
    for a disabled field is ignored by Django): they follow the original."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if not instance.pk or not instance.translation_key:
            return
        first = (
            type(instance)
            .objects.filter(translation_key=instance.translation_key)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if first == instance.pk:
            return
        for name in (*QUIZ_SETTINGS, "fixed_questions"):
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Set on the original version of this quiz and copied to its translations."
                )


class Quiz(TranslatableMixin, models.Model):
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    module = models.ForeignKey(
        "courses.ModulePage",
        verbose_name=_("module assessment of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Pick a module if this quiz is its assessment: the module is then completed only once "
            "the quiz is passed."
        ),
    )
    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="quizzes"
    )
    category = models.CharField(
        _("category"),
        max_length=100,
        blank=True,
        help_text=_("Only questions of this category of the bank (empty: the whole bank)."),
    )
    fixed_questions = models.ManyToManyField(
        Question,
        verbose_name=_("fixed questions"),
        blank=True,
        related_name="+",
        help_text=_("A fixed list of questions; leave empty to draw from the bank."),
    )
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many questions to draw at random for each attempt (empty: all of them)."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    min_delay = models.DurationField(
        _("minimum delay between attempts"),
        default=timedelta(0),
        help_text=_("Hours:minutes:seconds, e.g. 00:30:00 for half an hour; 0 for none."),
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    feedback = models.CharField(
        _("feedback after submission"),
        max_length=12,
        choices=FeedbackPolicy.choices,
        default=FeedbackPolicy.FULL,
    )
    offline_allowed = models.BooleanField(
        _("may be taken offline"),
        default=False,
        help_text=_(
            "Tick to let learners who downloaded the module answer on their phone without a "
            "connection: the answers are sent and graded on the server when the connection "
            "returns (the answer key never goes to the phone). Not for time-limited quizzes."
        ),
    )

    objects = OriginalsQuerySet.as_manager()
    base_form_class = QuizAdminForm

    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        FieldPanel("module"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("bank"), FieldPanel("category")]),
                FieldPanel("fixed_questions"),
                FieldRowPanel(
                    [
                        FieldPanel("draw_count"),
                        FieldPanel("shuffle_questions"),
                        FieldPanel("shuffle_choices"),
                    ]
                ),
            ],
            heading=_("Questions"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("pass_mark"), FieldPanel("max_attempts")],
                ),
                FieldRowPanel(
                    [FieldPanel("min_delay"), FieldPanel("time_limit_minutes")],
                ),
                FieldPanel("feedback"),
                FieldPanel("offline_allowed"),
            ],
            heading=_("Rules"),
        ),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(offline_allowed=False)
                | Q(time_limit_minutes__isnull=True)
                | Q(time_limit_minutes=0),
                name="offline_quiz_has_no_time_limit",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.offline_allowed and self.time_limit_minutes:
            # Offline, the server cannot hold a time limit: it only sees the answers later.
            raise ValidationError(
                {
                    "offline_allowed": _(
                        "A time-limited quiz cannot be taken offline: remove the time limit or "
                        "untick this box."
                    )
                }
            )


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class AttemptQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The attempts of the people whose records `user` reads (`people.access`)."""
        from people.access import scope_to_people

        return scope_to_people(self, user, "user")

    def submitted(self):
        return self.filter(status=AttemptStatus.SUBMITTED)

    def passed(self):
        return self.filter(passed=True)


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts"
    )
    attempt_number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
    )
    # Fixed at start: [{"q": original question id, "c": [choice keys in display order]}, ...]
    layout = models.JSONField(_("questions drawn"), default=list)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=3, null=True)
    score_percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("passed"), default=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz", "attempt_number"], name="one_attempt_per_number"
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False),
                name="submitted_attempt_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.quiz} #{self.attempt_number}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def question_ids(self) -> list[int]:
        return [item["q"] for item in self.layout]


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    selected = models.JSONField(_("choices ticked"), default=list)  # choice keys (strings)
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=3, null=True)
    is_correct = models.BooleanField(_("fully right"), null=True)

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.attempt} — {self.question_id}"

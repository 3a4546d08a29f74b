"""Item statistics for editors: per question, how many answered, the share fully right
(facility) and how often each wrong choice was picked; per quiz, the score distribution.
A question most learners miss is flagged for review."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from assessments.models import Answer, Attempt, Question, Quiz

FLAG_BELOW = 0.5  # facility under which a question is flagged
FLAG_MIN_ANSWERS = 5  # ...once enough learners answered it


@dataclass
class ChoiceStat:
    text: str
    is_correct: bool
    picks: int


@dataclass
class QuestionStat:
    question: Question
    answers: int = 0
    right: int = 0
    choices: list[ChoiceStat] = field(default_factory=list)

    @property
    def facility(self) -> float | None:
        return self.right / self.answers if self.answers else None

    @property
    def facility_percent(self) -> int | None:
        return None if self.facility is None else round(100 * self.facility)

    @property
    def flagged(self) -> bool:
        return self.answers >= FLAG_MIN_ANSWERS and (self.facility or 0) < FLAG_BELOW


@dataclass
class QuizStats:
    quiz: Quiz
    attempts: int
    passed: int
    distribution: list[tuple[str, int]]  # ("0–9 %", count), … ("90–100 %", count)
    questions: list[QuestionStat]


def quiz_statistics(quiz: Quiz) -> QuizStats:
    """Statistics of the (original) quiz's submitted attempts, in four queries."""
    scores = list(
        Attempt.objects.submitted().filter(quiz=quiz).values_list("score_percent", "passed")
    )
    bins = [0] * 10
    for score, _passed in scores:
        bins[min(9, int((score or 0) // 10))] += 1
    distribution = [
        (f"{10 * i}–{10 * i + 9 if i < 9 else 100} %", count) for i, count in enumerate(bins)
    ]
    answers = list(
        Answer.objects.filter(attempt__quiz=quiz, attempt__status="submitted").values_list(
            "question_id", "selected", "is_correct"
        )
    )
    picks: dict[int, Counter] = {}
    stats: dict[int, QuestionStat] = {}
    question_ids = {question_id for question_id, _s, _c in answers}
    for question in Question.objects.filter(pk__in=question_ids).prefetch_related("choices"):
        stats[question.pk] = QuestionStat(question=question)
        picks[question.pk] = Counter()
    for question_id, selected, is_correct in answers:
        stat = stats[question_id]
        stat.answers += 1
        stat.right += bool(is_correct)
        picks[question_id].update(selected)
    for question_id, stat in stats.items():
        stat.choices = [
            ChoiceStat(
                text=choice.text,
                is_correct=choice.is_correct,
                picks=picks[question_id][str(choice.key)],
            )
            for choice in stat.question.choices.all()
        ]
    ordered = sorted(stats.values(), key=lambda s: (s.facility or 0, s.question.pk))
    return QuizStats(
        quiz=quiz,
        attempts=len(scores),
        passed=sum(1 for _score, passed in scores if passed),
        distribution=distribution,
        questions=ordered,
    )

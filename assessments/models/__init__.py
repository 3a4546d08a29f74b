"""Models of the assessments app: H5P and SCORM packages and results; server-graded quizzes."""

from assessments.models.h5p import (
    H5PActivity,
    H5PLibrary,
    H5PUserState,
    XAPIStatement,
)
from assessments.models.offline import OfflineAction, OfflineActionKind, OfflineActionStatus
from assessments.models.quizzes import (
    PARTIAL_CREDIT_RULE,
    Answer,
    Attempt,
    AttemptStatus,
    CaseScenario,
    Choice,
    FeedbackPolicy,
    Question,
    QuestionBank,
    QuestionKind,
    Quiz,
)
from assessments.models.scorm import ScormAttempt, ScormPackage, ScormVersion

__all__ = [
    "PARTIAL_CREDIT_RULE",
    "Answer",
    "Attempt",
    "AttemptStatus",
    "CaseScenario",
    "Choice",
    "FeedbackPolicy",
    "H5PActivity",
    "H5PLibrary",
    "H5PUserState",
    "OfflineAction",
    "OfflineActionKind",
    "OfflineActionStatus",
    "Question",
    "QuestionBank",
    "QuestionKind",
    "Quiz",
    "ScormAttempt",
    "ScormPackage",
    "ScormVersion",
    "XAPIStatement",
]

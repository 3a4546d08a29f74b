from courses.models.assignments import (
    Assignment,
    AssignmentReminder,
    ManagerDigest,
    ReminderThreshold,
)
from courses.models.learning import (
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    LessonProgress,
    ModuleCompletion,
)
from courses.models.pages import CourseIndexPage, CoursePage, HomePage, LessonPage, ModulePage

__all__ = [
    "Assignment",
    "AssignmentReminder",
    "ManagerDigest",
    "ReminderThreshold",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "HomePage",
    "LessonPage",
    "LessonProgress",
    "ModuleCompletion",
    "ModulePage",
]

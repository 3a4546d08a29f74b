from courses.models.pages import CourseIndexPage, CoursePage, HomePage, LessonPage, ModulePage

__all__ = ["CourseIndexPage", "CoursePage", "HomePage", "LessonPage", "ModulePage"]

"""Models of the assessments app: H5P packages and results now; quizzes arrive with their issue."""

from assessments.models.h5p import (
    H5PActivity,
    H5PLibrary,
    H5PUserState,
    XAPIStatement,
)

__all__ = ["H5PActivity", "H5PLibrary", "H5PUserState", "XAPIStatement"]

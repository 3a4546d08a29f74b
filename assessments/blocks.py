"""The H5P activity block is declared with the lesson body in `courses.blocks` (the lower app),
which names the `assessments.H5PActivity` snippet by its label; it is re-exported here."""

from courses.blocks import PRACTICE_EVIDENCE_HELP, H5PActivityBlock

__all__ = ["PRACTICE_EVIDENCE_HELP", "H5PActivityBlock"]

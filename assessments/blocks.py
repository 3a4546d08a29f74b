"""StreamField blocks of the assessments app, for the lesson body.

`H5PActivityBlock` plays an uploaded H5P activity in a sandboxed frame, opened on request.
Its child names (`activity`, `pass_threshold`, `counts_for_completion`, `title`) are what
`assessments.h5p.services.lesson_h5p_activities` looks for in a lesson's StreamFields, and its
template (`blocks/h5p_activity.html`) computes the player's URLs itself from `value.activity`
and the `page` in context: a block with the same children declared in `courses` (naming the
snippet by its label string, "assessments.H5PActivity") works the same way.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from assessments.models.h5p import PRACTICE_EVIDENCE_HELP


class H5PActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Title"),
        help_text=_("Heading shown above the activity; leave empty to use the activity's title."),
    )
    activity = SnippetChooserBlock(
        "assessments.H5PActivity",
        label=_("H5P activity"),
        help_text=_("An activity uploaded under H5P › H5P activities."),
    )
    pass_threshold = blocks.FloatBlock(
        default=0,
        min_value=0,
        max_value=1,
        label=_("Pass threshold"),
        help_text=_(
            "Scaled score the learner must reach, from 0 to 1 (0.8 = 80 %). "
            "0: finishing the activity is enough."
        ),
    )
    counts_for_completion = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Counts for completion"),
        help_text=_("Tick if the lesson is completed only once this activity is passed."),
    )

    class Meta:
        icon = "pick"
        label = _("H5P activity")
        template = "blocks/h5p_activity.html"
        help_text = PRACTICE_EVIDENCE_HELP

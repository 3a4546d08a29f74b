"""StreamField blocks of a lesson, each rendered by its own template under `site/templates/blocks/`.

The lesson body is `LessonBodyBlock`. The quiz (issue 5) and H5P activity (issue 6) blocks are
added to it here, as choosers naming the assessments models by their label string
("assessments.Quiz"): courses sits below assessments and never imports it.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
SHORT_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]

VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "ogv": "video/ogg", "mp3": "audio/mpeg"}


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        kwargs.setdefault("help_text", _("Text of the lesson: headings, lists, links."))
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "blocks/rich_text.html"


class CalloutValue(blocks.StructValue):
    @property
    def kind_label(self) -> str:
        return dict(CalloutBlock.KINDS).get(self.get("kind"), "")


class CalloutBlock(blocks.StructBlock):
    KINDS = [
        ("key_provision", _("Key provision")),
        ("good_practice", _("Good practice")),
        ("warning", _("Warning")),
    ]

    kind = blocks.ChoiceBlock(
        choices=KINDS,
        default="key_provision",
        label=_("Kind"),
        help_text=_(
            "Key provision: what the law says; good practice: what to do; warning: a trap."
        ),
    )
    title = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Title"),
        help_text=_("Optional heading of the box."),
    )
    text = blocks.RichTextBlock(
        features=SHORT_TEXT_FEATURES,
        label=_("Text"),
        help_text=_("What the learner must remember."),
    )

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "blocks/callout.html"
        value_class = CalloutValue


class LegalExcerptBlock(blocks.StructBlock):
    text = blocks.TextBlock(
        label=_("Quoted text"),
        help_text=_("The exact words of the text, without quotation marks."),
    )
    instrument = blocks.CharBlock(
        max_length=255,
        label=_("Instrument"),
        help_text=_("The law, code or treaty, e.g. « Loi n° 2012-023 du 12 juillet 2012 »."),
    )
    article = blocks.CharBlock(
        required=False,
        max_length=100,
        label=_("Article"),
        help_text=_("Article number, e.g. « 324-11 » (optional)."),
    )
    source_url = blocks.URLBlock(
        required=False,
        label=_("Source link"),
        help_text=_("Where the learner can read the official text (optional)."),
    )

    class Meta:
        icon = "openquote"
        label = _("Legal excerpt")
        template = "blocks/legal_excerpt.html"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        max_length=200, label=_("Title"), help_text=_("A short name for the case.")
    )
    facts = blocks.RichTextBlock(
        features=SHORT_TEXT_FEATURES,
        label=_("Facts"),
        help_text=_("The facts of the case, as the investigator or the judge receives them."),
    )
    questions = blocks.ListBlock(
        blocks.TextBlock(label=_("Question")),
        label=_("Questions for reflection"),
        help_text=_("Questions the learner should answer before reading the discussion."),
    )
    discussion = blocks.RichTextBlock(
        features=SHORT_TEXT_FEATURES,
        label=_("Discussion"),
        help_text=_("The analysis of the case, hidden until the learner asks to see it."),
    )

    class Meta:
        icon = "group"
        label = _("Case study")
        template = "blocks/case_study.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(
        label=_("Image"),
        help_text=_("Served in WebP at the width of the reader's screen, loaded when scrolled to."),
    )
    alt_text = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Alternative text"),
        help_text=_(
            "What the image shows, for readers who cannot see it (default: its description)."
        ),
    )
    caption = blocks.CharBlock(
        required=False, max_length=255, label=_("Caption"), help_text=_("Shown under the image.")
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(
        label=_("Document"), help_text=_("A file to download: PDF, Word, spreadsheet…")
    )
    title = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Title"),
        help_text=_("Shown as the link text (default: the document's title)."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "blocks/document.html"


class VideoValue(blocks.StructValue):
    @property
    def mime_type(self) -> str:
        video = self.get("video")
        return VIDEO_TYPES.get(video.file_extension.lower(), "") if video else ""


class VideoBlock(blocks.StructBlock):
    video = DocumentChooserBlock(
        label=_("Video file"),
        help_text=_(
            "An MP4 or WebM file uploaded as a document. It is only downloaded when the learner "
            "presses « Load the video »."
        ),
    )
    poster = ImageChooserBlock(
        label=_("Poster image"), help_text=_("The still image shown before the video is loaded.")
    )
    title = blocks.CharBlock(
        max_length=255, label=_("Title"), help_text=_("What the video is about.")
    )
    transcript = blocks.RichTextBlock(
        required=False,
        features=SHORT_TEXT_FEATURES,
        label=_("Transcript"),
        help_text=_("The words of the video, for those who cannot watch or hear it (optional)."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video.html"
        value_class = VideoValue


# H5P activities are uploaded and played by the assessments app; the block names the snippet by
# its label, so this app does not import that one. Children are what
# `assessments.h5p.services.lesson_h5p_activities` looks for.
PRACTICE_EVIDENCE_HELP = _(
    "H5P activities are graded in the learner's browser, so their scores can be forged: they are "
    "practice evidence that counts toward completing a lesson, never alone toward a certificate. "
    "Certificates rest on the quizzes graded on the server."
)


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


# SCORM packages are uploaded and played by the assessments app, named here by label, like H5P.
# Children are what `assessments.scorm.services.lesson_scorm_modules` looks for.
SCORM_PRACTICE_HELP = _(
    "A SCORM module reports its status and score from the learner's browser, so they can be "
    "forged: it counts toward completing a lesson, never alone toward a certificate."
)


class ScormModuleBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Title"),
        help_text=_("Heading shown above the module; leave empty to use the package's title."),
    )
    package = SnippetChooserBlock(
        "assessments.ScormPackage",
        label=_("SCORM package"),
        help_text=_("A package uploaded under « SCORM packages » in the menu."),
    )
    completion_rule = blocks.ChoiceBlock(
        choices=[
            ("completed", _("Completed: the module says the learner finished it")),
            ("passed", _("Passed: the module says the learner passed, with the minimum score")),
        ],
        default="completed",
        label=_("Completes the lesson when"),
    )
    minimum_score = blocks.IntegerBlock(
        default=0,
        min_value=0,
        max_value=100,
        label=_("Minimum score (%)"),
        help_text=_(
            "For « Passed »: the score the learner must reach, 0 to 100. 0: passing is enough."
        ),
    )
    counts_for_completion = blocks.BooleanBlock(
        required=False,
        default=True,
        label=_("Counts for completion"),
        help_text=_("Tick if the lesson is completed only once this module meets its rule."),
    )

    class Meta:
        icon = "desktop"
        label = _("SCORM module")
        template = "blocks/scorm_module.html"
        help_text = SCORM_PRACTICE_HELP


class QuizBlock(blocks.StructBlock):
    """A server-graded quiz in a lesson: the lesson is completed once the quiz is passed."""

    quiz = SnippetChooserBlock(
        "assessments.Quiz",
        label=_("Quiz"),
        help_text=_("A quiz made under Quizzes › Quizzes."),
    )

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "blocks/quiz.html"


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = RichTextBlock()
    callout = CalloutBlock()
    legal_excerpt = LegalExcerptBlock()
    case_study = CaseStudyBlock()
    image = ImageBlock()
    document = DocumentBlock()
    video = VideoBlock()
    h5p_activity = H5PActivityBlock()
    scorm_module = ScormModuleBlock()
    quiz = QuizBlock()

    class Meta:
        required = False


class SourceBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        max_length=500, label=_("Title"), help_text=_("Author, title and date of the source.")
    )
    url = blocks.URLBlock(
        required=False, label=_("Link"), help_text=_("Where the source can be read (optional).")
    )

    class Meta:
        icon = "link"
        label = _("Source")
        template = "blocks/source.html"


class SourcesBlock(blocks.StreamBlock):
    source = SourceBlock()

    class Meta:
        required = False

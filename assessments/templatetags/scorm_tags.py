from django import template

from assessments.scorm.player import player_context

register = template.Library()


@register.simple_tag(takes_context=True)
def scorm_player(context, value):
    """The launch URL of a SCORM module block value, for the signed-in learner in the lesson
    (`page`) being shown (a template tag, as for H5P: the block lives in `courses`)."""
    return player_context(
        request=context.get("request"), package=value.get("package"), lesson=context.get("page")
    )

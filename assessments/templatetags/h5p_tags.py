from django import template

from assessments.h5p.player import player_context

register = template.Library()


@register.simple_tag(takes_context=True)
def h5p_player(context, value):
    """The player's URLs for an H5P activity block value, in the lesson (`page`) being shown.

    A template tag rather than the block's `get_context`, so that the block template works
    whichever app declares the block, as long as its value has an `activity`."""
    return player_context(
        request=context.get("request"),
        activity=value.get("activity"),
        lesson=context.get("page"),
        preview=bool(context.get("h5p_preview")),
    )

"""A page's StreamField rendered once per content version and language (`courses.cache`):
`{% shared_stream page "body" %}` gives what `{% for block in page.body %}{% include_block
block %}{% endfor %}` gives.

The blocks that show something of the visitor (an H5P activity or a SCORM module and their
« sign in » or « start » buttons, a quiz whose title lives outside the page) are rendered for each
request, in the page's context; every other block is rendered without the request or the user
(it cannot show anything personal) and kept in the shared cache. Previews and revisions are
never cached: they are not the published content."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from courses.cache import remembered

register = template.Library()

# Rendered for each request: they read the visitor (signed in or not, a CSRF token) or a model
# that is not a page (a quiz's title).
PER_REQUEST_BLOCKS = frozenset({"h5p_activity", "scorm_module", "quiz"})


def _segments(page, field: str) -> list:
    """The stream as rendered HTML, with the index of each per-request block in its place."""
    segments: list = []
    for index, block in enumerate(getattr(page, field)):
        if block.block_type in PER_REQUEST_BLOCKS:
            segments.append(index)
        else:
            segments.append(str(block.render_as_block(context={"page": page})))
    return segments


@register.simple_tag(takes_context=True)
def shared_stream(context, page, field: str):
    request = context.get("request")
    if request is None or getattr(request, "is_preview", False) or not page.live:
        segments = _segments(page, field)
    else:
        segments = remembered(
            request,
            "stream",
            page.pk,
            field,
            page.latest_revision_id,
            get_language(),
            compute=lambda: _segments(page, field),
        )
    stream = getattr(page, field)
    parent = context.flatten()
    # The blocks' own rendering, escaped by their templates.
    return mark_safe(
        "".join(
            str(stream[segment].render_as_block(context=parent))
            if isinstance(segment, int)
            else segment
            for segment in segments
        )
    )

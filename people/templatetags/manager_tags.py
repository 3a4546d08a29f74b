from django import template

from people.manager.access import is_manager as _is_manager

register = template.Library()


@register.simple_tag(takes_context=True)
def is_manager(context) -> bool:
    """True for a signed-in manager (one query per request, remembered on the user)."""
    request = context.get("request")
    return bool(request) and _is_manager(request.user)

from django import template

from certificates.register.access import register_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def sees_register(context) -> bool:
    """True for committee members, administrators and managers (remembered on the user)."""
    request = context.get("request")
    return bool(request) and register_scope(request.user) is not None


@register.filter
def signed(value) -> str:
    """+3, −2, 0: the change from the previous period."""
    if value is None:
        return ""
    if value > 0:
        return f"+{value}"
    return f"−{-value}" if value < 0 else "0"

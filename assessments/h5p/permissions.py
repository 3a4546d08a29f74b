"""Who may do what with H5P: editors upload and preview, only administrators approve libraries."""

from __future__ import annotations

from people.roles import ADMINISTRATORS_GROUP


def can_approve_libraries(user) -> bool:
    """Superusers and the `Administrateurs` group; editors never."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=ADMINISTRATORS_GROUP).exists())
    )


def can_preview_h5p(user) -> bool:
    return bool(
        user.is_authenticated
        and (can_approve_libraries(user) or user.has_perm("assessments.change_h5pactivity"))
    )


def can_view_h5p_results(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("assessments.view_xapistatement"))

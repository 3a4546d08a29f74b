"""Who may do what with H5P, from the site's one rule (`people.access`): editors upload and
preview, only administrators approve libraries."""

from __future__ import annotations

from people.access import access_for


def can_approve_libraries(user) -> bool:
    """Superusers and the `Administrateurs` group; editors never."""
    return access_for(user).approves_h5p_libraries


def can_preview_h5p(user) -> bool:
    return bool(
        user.is_authenticated
        and (can_approve_libraries(user) or user.has_perm("assessments.change_h5pactivity"))
    )


def can_view_h5p_results(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("assessments.view_xapistatement"))

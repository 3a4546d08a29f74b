"""Roles beyond an institution are Django groups created by migration; their names live here.
What a role may see and do is decided in one place: `people.access`."""

COMMITTEE_GROUP = "Comité national"
MANAGERS_GROUP = "Gestionnaires"
ADMINISTRATORS_GROUP = "Administrateurs"
# Created by Wagtail's own migrations (« Editors », « Moderators »), with page permissions on the
# whole tree; French names since people/migrations/0006. Moderators also publish.
EDITORS_GROUP = "Rédacteurs"
MODERATORS_GROUP = "Modérateurs"

PRIVILEGED_GROUPS = (COMMITTEE_GROUP, MANAGERS_GROUP, ADMINISTRATORS_GROUP, EDITORS_GROUP)

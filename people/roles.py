"""Roles beyond an institution are Django groups created by migration; their names live here.
What a role may see and do is decided in one place: `people.access`."""

COMMITTEE_GROUP = "Comité national"
MANAGERS_GROUP = "Gestionnaires"
ADMINISTRATORS_GROUP = "Administrateurs"
# Created by Wagtail's own migrations, with page permissions on the whole tree.
EDITORS_GROUP = "Editors"

PRIVILEGED_GROUPS = (COMMITTEE_GROUP, MANAGERS_GROUP, ADMINISTRATORS_GROUP, EDITORS_GROUP)

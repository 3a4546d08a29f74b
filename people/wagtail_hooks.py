from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from people.models import Cohort, Institution, Membership, Region
from people.services import sync_manager_group


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "is_active"]
    search_fields = ["name"]


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "group"
    list_display = ["name", "kind", "region", "appeal_jurisdiction"]
    list_filter = ["kind", "region", "appeal_jurisdiction"]
    search_fields = ["name"]


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    list_display = ["name", "institution", "archived_at"]
    list_filter = ["institution"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # Lists, choosers and the translation API show what the site's rule lets one see.
        return Cohort.objects.visible_to(request.user)


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    list_display = ["user", "institution", "role", "status"]
    list_filter = ["role", "status", "institution"]

    def get_queryset(self, request):
        return Membership.objects.visible_to(request.user)


class PeopleViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Institutions")
    menu_icon = "group"
    menu_order = 300
    items = (InstitutionViewSet, RegionViewSet, CohortViewSet, MembershipViewSet)


register_snippet(PeopleViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def keep_manager_group_in_step(request, instances):
    # Memberships edited in the admin must grant or withdraw the managers' admin access too.
    for instance in instances if isinstance(instances, list | tuple) else [instances]:
        if isinstance(instance, Membership):
            sync_manager_group(user=instance.user)

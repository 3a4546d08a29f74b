from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments.evidence import course_evidence
from assessments.h5p import admin_views, services
from assessments.h5p.permissions import can_approve_libraries, can_preview_h5p, can_view_h5p_results
from assessments.models import (
    CaseScenario,
    H5PActivity,
    H5PLibrary,
    Question,
    QuestionBank,
    Quiz,
    ScormPackage,
)
from assessments.quizzes import admin_views as quiz_admin_views
from assessments.scorm import admin_views as scorm_admin_views
from assessments.scorm import services as scorm_services


class H5PActivityViewSet(SnippetViewSet):
    model = H5PActivity
    icon = "pick"
    menu_label = _("H5P activities")
    list_display = ["title", "main_library", "is_published", "status", "created_at"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    add_view_class = admin_views.H5PUploadView
    panels = [FieldPanel("title"), FieldPanel("is_published")]

    def get_add_view_kwargs(self, **kwargs):
        panel = ObjectList(
            [FieldPanel("package"), FieldPanel("title")], base_form_class=admin_views.H5PUploadForm
        ).bind_to_model(H5PActivity)
        return super().get_add_view_kwargs(
            **{**kwargs, "panel": panel, "form_class": panel.get_form_class()}
        )


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Libraries arrive only inside packages and are approved by their own view: nobody adds,
    edits or deletes them by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a == "view"])

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_any_permission(user, ["view"])


class H5PLibraryViewSet(SnippetViewSet):
    model = H5PLibrary
    icon = "code"
    menu_label = _("H5P libraries")
    list_display = ["__str__", "title", "used_by", "approved_at", "approved_by", "created_at"]
    list_filter = {"approved_at": ["isnull"]}
    search_fields = ["machine_name", "title"]
    inspect_view_enabled = True
    panels = [FieldPanel("title", read_only=True)]

    def get_queryset(self, request):
        # The "used by" column names the activities of each version: one query for all.
        return H5PLibrary.objects.prefetch_related("activities")


register_permission_policy(H5PLibrary, ReadOnlyPermissionPolicy(H5PLibrary))


class H5PViewSetGroup(SnippetViewSetGroup):
    menu_label = _("H5P")
    menu_icon = "pick"
    menu_order = 250
    items = (H5PActivityViewSet, H5PLibraryViewSet)


register_snippet(H5PViewSetGroup)


@hooks.register("register_admin_urls")
def register_h5p_admin_urls():
    return [
        path(
            "h5p/libraries/<int:pk>/approve/",
            admin_views.ApproveLibraryView.as_view(),
            name="h5p_admin_approve_library",
        ),
        path(
            "h5p/activities/<int:pk>/preview/",
            admin_views.PreviewActivityView.as_view(),
            name="h5p_admin_preview",
        ),
        path(
            "h5p/activities/<int:pk>/replace/",
            admin_views.ReplacePackageView.as_view(),
            name="h5p_admin_replace",
        ),
        path("h5p/results/", admin_views.ResultsView.as_view(), name="h5p_admin_results"),
    ]


hooks.register("register_bulk_action", admin_views.ApproveLibrariesBulkAction)


@hooks.register("register_log_actions")
def register_h5p_actions(actions):
    actions.register_action(
        "assessments.h5p_replace", _("Replace the H5P package"), _("H5P package replaced")
    )


@hooks.register("before_delete_snippet")
def delete_h5p_activities_through_the_service(request, instances):
    """Deleting an activity (alone or in bulk) goes through `services.delete_h5p_activity`: one
    that learners' results refer to is refused with a message (results stay in the reports);
    otherwise its files and the libraries nothing else uses go with it."""
    activities = [item for item in instances if isinstance(item, H5PActivity)]
    if not activities:
        return None
    listing = redirect("wagtailsnippets_assessments_h5pactivity:list")
    if request.method != "POST":
        refusals = [r for r in map(services.deletion_refused, activities) if r is not None]
        for refusal in refusals:
            messages.error(request, refusal.messages[0])
        return listing if refusals else None  # else the confirmation page
    deleted = 0
    for activity in activities:
        try:
            services.delete_h5p_activity(activity=activity, deleted_by=request.user)
            deleted += 1
        except services.ActivityInUse as error:
            messages.error(request, error.messages[0])
    if deleted:
        messages.success(
            request,
            ngettext(
                "%(count)d H5P activity deleted.", "%(count)d H5P activities deleted.", deleted
            )
            % {"count": deleted},
        )
    return listing


@hooks.register("before_edit_page")
def warn_about_courses_without_server_graded_evidence(request, page):
    """On a course and its pages: a course completed on H5P results alone issues no certificate
    (`assessments.evidence`); the editor is told while there is still time to add a quiz."""
    if request.method != "GET":
        return None
    from courses.services import course_of

    course = course_of(page)
    warning = course_evidence(course).warning() if course is not None else ""
    if warning:
        messages.warning(request, warning)
    return None


class ResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_h5p_results(request.user)


@hooks.register("register_reports_menu_item")
def register_h5p_results_menu_item():
    return ResultsMenuItem(
        _("H5P results"), reverse("h5p_admin_results"), icon_name="pick", order=700
    )


@hooks.register("register_snippet_listing_buttons")
def h5p_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, H5PLibrary) and not snippet.is_approved and can_approve_libraries(user):
        yield ListingButton(
            _("Approve"),
            reverse("h5p_admin_approve_library", args=[snippet.pk]),
            icon_name="success",
            priority=10,
        )
    if isinstance(snippet, H5PActivity) and user.has_perm("assessments.change_h5pactivity"):
        yield ListingButton(
            _("Replace the package"),
            reverse("h5p_admin_replace", args=[snippet.pk]),
            icon_name="upload",
            priority=30,
        )
    if isinstance(snippet, H5PActivity) and can_preview_h5p(user):
        yield ListingButton(
            _("Preview"),
            reverse("h5p_admin_preview", args=[snippet.pk]),
            icon_name="view",
            priority=10,
        )
        yield ListingButton(
            _("Results"),
            f"{reverse('h5p_admin_results')}?activity={snippet.pk}",
            icon_name="list-ul",
            priority=20,
        )


# --- Quizzes -------------------------------------------------------------------------------------


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    list_display = ["name", "created_at"]
    search_fields = ["name"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = ["__str__", "bank", "category", "kind", "external_id", "locale"]
    list_filter = ["bank", "kind", "locale"]
    search_fields = ["text", "external_id", "category"]


class CaseScenarioViewSet(SnippetViewSet):
    model = CaseScenario
    icon = "group"
    menu_label = _("Case scenarios")
    list_display = ["title", "bank", "locale"]
    search_fields = ["title"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "module", "bank", "pass_mark", "locale"]
    list_filter = ["locale"]
    search_fields = ["title"]


class QuizViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Quizzes")
    menu_icon = "tasks"
    menu_order = 240
    items = (QuizViewSet, QuestionBankViewSet, QuestionViewSet, CaseScenarioViewSet)


register_snippet(QuizViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def synchronise_quiz_translations(request, instance):
    """The rules of a quiz are edited on its original and copied to its translations."""
    if isinstance(instance, Quiz):
        from assessments.quizzes.services import synchronise_quiz_settings

        synchronise_quiz_settings(quiz=instance)


@hooks.register("register_admin_urls")
def register_quiz_admin_urls():
    return [
        path(
            "quizzes/banks/<int:pk>/import/",
            quiz_admin_views.ImportQuestionsView.as_view(),
            name="quiz_admin_import",
        ),
        path(
            "quizzes/banks/<int:pk>/export/",
            quiz_admin_views.export_bank,
            name="quiz_admin_export",
        ),
        path(
            "quizzes/import-template/",
            quiz_admin_views.import_template,
            name="quiz_admin_template",
        ),
        path(
            "quizzes/<int:pk>/statistics/",
            quiz_admin_views.QuizStatisticsView.as_view(),
            name="quiz_admin_statistics",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def quiz_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, QuestionBank) and user.has_perm("assessments.add_question"):
        yield ListingButton(
            _("Import / export"),
            reverse("quiz_admin_import", args=[snippet.pk]),
            icon_name="upload",
            priority=10,
        )
    if isinstance(snippet, Quiz) and user.has_perm("assessments.view_quiz"):
        yield ListingButton(
            _("Statistics"),
            reverse("quiz_admin_statistics", args=[snippet.pk]),
            icon_name="list-ul",
            priority=10,
        )


# --- SCORM ---------------------------------------------------------------------------------------


class ScormPackageViewSet(SnippetViewSet):
    model = ScormPackage
    icon = "desktop"
    menu_label = _("SCORM packages")
    menu_order = 255
    add_to_admin_menu = True
    list_display = ["title", "version", "launch_path", "updated_at"]
    list_filter = ["version"]
    search_fields = ["title"]
    add_view_class = scorm_admin_views.ScormUploadView
    inspect_view_enabled = True
    inspect_view_fields = ["title", "version", "schema_version", "launch_path", "organisations"]
    panels = [FieldPanel("title")]

    def get_add_view_kwargs(self, **kwargs):
        panel = ObjectList(
            [FieldPanel("package"), FieldPanel("title")],
            base_form_class=scorm_admin_views.ScormUploadForm,
        ).bind_to_model(ScormPackage)
        return super().get_add_view_kwargs(
            **{**kwargs, "panel": panel, "form_class": panel.get_form_class()}
        )


register_snippet(ScormPackageViewSet)


@hooks.register("register_admin_urls")
def register_scorm_admin_urls():
    return [
        path(
            "scorm/packages/<int:pk>/replace/",
            scorm_admin_views.ReplaceScormView.as_view(),
            name="scorm_admin_replace",
        ),
        path(
            "scorm/packages/<int:pk>/preview/",
            scorm_admin_views.PreviewScormView.as_view(),
            name="scorm_admin_preview",
        ),
        path(
            "scorm/results/",
            scorm_admin_views.ScormResultsView.as_view(),
            name="scorm_admin_results",
        ),
    ]


@hooks.register("register_log_actions")
def register_scorm_actions(actions):
    actions.register_action(
        "assessments.scorm_replace", _("Replace the SCORM package"), _("SCORM package replaced")
    )


class ScormResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return scorm_admin_views.can_view_scorm_results(request.user)


@hooks.register("register_reports_menu_item")
def register_scorm_results_menu_item():
    return ScormResultsMenuItem(
        _("SCORM results"), reverse("scorm_admin_results"), icon_name="desktop", order=710
    )


@hooks.register("register_snippet_listing_buttons")
def scorm_listing_buttons(snippet, user, next_url=None):
    if not isinstance(snippet, ScormPackage):
        return
    if user.has_perm("assessments.change_scormpackage"):
        yield ListingButton(
            _("Preview"),
            reverse("scorm_admin_preview", args=[snippet.pk]),
            icon_name="view",
            priority=10,
        )
        yield ListingButton(
            _("Replace the package"),
            reverse("scorm_admin_replace", args=[snippet.pk]),
            icon_name="upload",
            priority=30,
        )
    if scorm_admin_views.can_view_scorm_results(user):
        yield ListingButton(
            _("Results"),
            f"{reverse('scorm_admin_results')}?package={snippet.pk}",
            icon_name="list-ul",
            priority=20,
        )


@hooks.register("before_delete_snippet")
def delete_scorm_packages_through_the_service(request, instances):
    """A package learners have attempts at is kept (their results stay in the reports)."""
    packages = [item for item in instances if isinstance(item, ScormPackage)]
    if not packages:
        return None
    listing = redirect("wagtailsnippets_assessments_scormpackage:list")
    if request.method != "POST":
        refusals = [r for r in map(scorm_services.deletion_refused, packages) if r is not None]
        for refusal in refusals:
            messages.error(request, refusal.messages[0])
        return listing if refusals else None
    deleted = 0
    for package in packages:
        try:
            scorm_services.delete_scorm_package(package=package, deleted_by=request.user)
            deleted += 1
        except scorm_services.PackageInUse as error:
            messages.error(request, error.messages[0])
    if deleted:
        messages.success(
            request,
            ngettext(
                "%(count)d SCORM package deleted.", "%(count)d SCORM packages deleted.", deleted
            )
            % {"count": deleted},
        )
    return listing

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_http_methods

from people import services
from people.forms import ProfileForm
from people.models import Membership


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    # Where to go back once the profile is saved (e.g. the course the learner was enrolling in).
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            user=user,
            full_name=form.cleaned_data["full_name"],
            matricule=form.cleaned_data["matricule"],
            profession=form.cleaned_data["profession"],
            sex=form.cleaned_data["sex"],
            preferred_language=form.cleaned_data["preferred_language"],
            requested_institution=form.cleaned_data["requested_institution"],
        )
        with override(user.preferred_language):
            messages.success(request, _("Your profile has been saved."))
            return redirect(next_url or reverse("profile"))
    memberships = Membership.objects.filter(user=user).select_related("institution")
    return render(
        request,
        "people/profile.html",
        {"form": form, "memberships": memberships, "next": next_url},
    )

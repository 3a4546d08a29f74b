from django.shortcuts import render
from wagtail.models import Locale

from courses.forms import SearchForm
from courses.search import search_courses_and_lessons


def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = search_courses_and_lessons(
            query=form.cleaned_data["q"], locale=Locale.get_active()
        )
    return render(request, "courses/search.html", {"form": form, "results": results})

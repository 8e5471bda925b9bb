from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from .models import paginate


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Suchbegriff"),
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


def search_view(request):
    """Search the published pages of the site in the visitor's language (an English page nobody has
    translated yet holds the German text), ten results a page."""
    form = SiteSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    pages = Page.objects.none()
    if query:
        pages = Page.objects.live().public().filter(locale=Locale.get_active()).search(query)
    results = paginate(request, pages)
    if query:
        # One query per page type on this result page, in the order the search ranked them.
        specific = Page.objects.filter(pk__in=[p.pk for p in results.object_list]).specific().in_bulk()
        results.object_list = [specific[p.pk] for p in results.object_list if p.pk in specific]
    return render(request, "cms/search.html", {"form": form, "query": query, "results": results})

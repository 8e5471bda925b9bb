from django.http import Http404


def search_view(request):
    raise Http404

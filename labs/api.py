from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api import ConditionalGetMixin

from .models import LabPage
from .selectors import labs_published
from .serializers import LabSerializer


@extend_schema_view(
    list=extend_schema(
        description=_("Die Regionallabore des Landkreises mit Adresse, Öffnungszeiten und Kontakt.")
    ),
    retrieve=extend_schema(
        description=_("Ein Regionallabor: wo es ist, wann es offen hat, wie man es erreicht.")
    ),
)
class LabViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """The regional labs: where they are, when they are open, how to reach them."""

    serializer_class = LabSerializer
    lookup_field = "slug"
    # Slugs as Wagtail makes them; anything else is no lab's address.
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LabPage.objects.none()
        return labs_published()

    def get_object(self) -> LabPage:
        self.lab = super().get_object()
        return self.lab

    def get_last_modified(self):
        # A lab's answer is its page (and its municipality's name): published at a known time. A list has no
        # such time, since a lab taken offline leaves none; it carries only the ETag.
        lab = getattr(self, "lab", None)
        return lab.last_published_at if lab is not None else None

"""The platform's URLs and the burst's floor, for the benchmark's server only (`bench.settings`)."""

from django.urls import path

from bench.floor import FloorView
from config.urls import urlpatterns as platform_urlpatterns

urlpatterns = [
    path("bench/floor/<int:run_id>/", FloorView.as_view(), name="bench-floor"),
    *platform_urlpatterns,
]

from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("issuer.json", views.issuer_view, name="issuer"),
    path("classes/<int:pk>.json", views.badge_class_view, name="badge_class"),
    path("classes/<int:pk>.png", views.badge_class_image_view, name="badge_class_image"),
    path("assertions/<uuid:uuid>/", views.assertion_page_view, name="assertion_page"),
    path("assertions/<uuid:uuid>/name/", views.assertion_name_view, name="assertion_name"),
    path("assertions/<uuid:uuid>.json", views.assertion_view, name="assertion"),
    path("assertions/<uuid:uuid>.png", views.assertion_image_view, name="assertion_image"),
]

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OutboxItem


class OwedFilter(admin.SimpleListFilter):
    title = _("Stand")
    parameter_name = "stand"

    def lookups(self, request, model_admin):
        return [("owed", _("steht aus")), ("delivered", _("zugestellt"))]

    def queryset(self, request, queryset):
        if self.value() == "owed":
            return queryset.filter(delivered_at__isnull=True)
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        return queryset


@admin.register(OutboxItem)
class OutboxItemAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "object_id",
        "created_at",
        "attempts",
        "claimed_until",
        "delivered_at",
        "last_error",
    ]
    list_filter = [OwedFilter, "kind"]
    search_fields = ["kind", "object_id"]
    readonly_fields = [
        "kind",
        "object_id",
        "created_at",
        "claimed_until",
        "attempts",
        "delivered_at",
        "last_error",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

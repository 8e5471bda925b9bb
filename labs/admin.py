"""Django admin for superusers. Lab managers work in the Wagtail admin (/cms/), limited to their labs."""

from django.contrib import admin

from .models import LabRole, Municipality, Room


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Open only to superusers: the Django admin does not limit anyone to their own labs."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Municipality)
class MunicipalityAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "ags", "slug")
    search_fields = ("name", "ags")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Room)
class RoomAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "lab", "capacity", "step_free")
    list_filter = ("lab", "step_free")
    search_fields = ("name", "lab__title")
    list_select_related = ("lab",)


class SuperuserViewOnlyAdmin(SuperuserOnlyAdmin):
    """Only to look at, for superusers: records whose rules live in services are changed through them
    (the site, /cms/ and the API), never by editing rows here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LabRole)
class LabRoleAdmin(SuperuserViewOnlyAdmin):
    """Roles are given and removed under /cms/rollen/, through the services that keep each person's lab
    groups in step with their roles."""

    list_display = ("user", "lab", "role")
    list_filter = ("role", "lab")
    search_fields = ("user__email", "user__full_name", "lab__title")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "lab")

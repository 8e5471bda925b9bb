"""Django admin for superusers: every operated record of the courses app, to look at.

Runs, sessions, bookings, enrolments, attendance and badges change only through `courses.services` (seats are
counted under the run's lock, a freed seat goes to the waiting list, a closed run stays closed), so the
Django admin shows them without letting anyone edit the rows: runs are scheduled under /cms/kurstermine/,
enrolments and attendance on the site and through the API."""

from django.contrib import admin

from labs.admin import SuperuserOnlyAdmin, SuperuserViewOnlyAdmin

from .models import (
    Attendance,
    BadgeAssertion,
    BadgeClass,
    Booking,
    Competence,
    CourseRun,
    Enrolment,
    Session,
)


@admin.register(Competence)
class CompetenceAdmin(SuperuserOnlyAdmin):
    list_display = ("code", "name", "area_name")
    list_filter = ("area_name",)
    search_fields = ("code", "name", "name_en")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CourseRun)
class CourseRunAdmin(SuperuserViewOnlyAdmin):
    list_display = ("__str__", "lab", "capacity", "status", "created_at")
    list_filter = ("status", "lab")
    search_fields = ("title", "course__title")
    list_select_related = ("course", "lab")
    raw_id_fields = ("course",)
    autocomplete_fields = ("trainers",)
    readonly_fields = ("lab", "status", "closed_at", "created_at")
    inlines = [SessionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(SuperuserViewOnlyAdmin):
    list_display = ("__str__", "run", "status", "booking", "created_at")
    list_filter = ("status", "cancel_cause")
    search_fields = ("user__email", "user__full_name", "member_email", "member_name", "run__course__title")
    list_select_related = ("user", "run", "run__course", "booking__organisation")
    raw_id_fields = ("run", "booking")
    autocomplete_fields = ("user",)
    readonly_fields = ("created_at",)


@admin.register(Booking)
class BookingAdmin(SuperuserViewOnlyAdmin):
    list_display = ("organisation", "run", "seats_requested", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("organisation__name", "run__course__title")
    list_select_related = ("organisation", "run", "run__course")
    raw_id_fields = ("run", "booked_by")
    readonly_fields = ("created_at",)


@admin.register(Attendance)
class AttendanceAdmin(SuperuserViewOnlyAdmin):
    list_display = ("enrolment", "session", "status", "recorded_at")
    list_filter = ("status",)
    list_select_related = ("enrolment__user", "enrolment__run__course", "session__run__course")
    raw_id_fields = ("session", "enrolment", "recorded_by")


@admin.register(BadgeClass)
class BadgeClassAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "course", "created_at")
    search_fields = ("name",)
    raw_id_fields = ("course",)


@admin.register(BadgeAssertion)
class BadgeAssertionAdmin(SuperuserViewOnlyAdmin):
    list_display = ("badge_class", "enrolment", "issued_on", "revoked")
    list_filter = ("revoked",)
    list_select_related = ("badge_class", "enrolment__user", "enrolment__run__course")
    raw_id_fields = ("enrolment", "badge_class")
    readonly_fields = ("uuid", "recipient_hash", "salt")

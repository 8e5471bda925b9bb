"""The pages of organisations' contacts (book seats, "Meine Buchungen", name and swap members, cancel) and
of invited members (accept or decline the invitation)."""

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import lockout, ratelimit
from accounts.exceptions import DomainError, EmailAlreadyRegistered
from accounts.forms import MODEL_BACKEND
from accounts.models import User
from accounts.selectors import organisations_of_contact
from accounts.services import user_register

from ..models import Booking, Enrolment
from ..selectors import enrolment_closed_reason, run_list, unnamed_release_at
from ..services import offer_accept, offer_decline
from .forms import BookingForm, InvitationForm, MemberForm, add_service_error
from .selectors import (
    booking_places,
    booking_state,
    bookings_of_contact,
    bookings_upcoming_and_past,
    invitation_refusal,
)
from .services import (
    NotEnoughSeats,
    booking_cancel,
    booking_create,
    booking_member_add,
    booking_member_remove,
    invitation_accept,
    invitation_decline,
)
from .tokens import invitation_enrolment

TOO_MANY = gettext_lazy(
    "Zu viele Versuche in kurzer Zeit. Bitte versuchen Sie es in einer Stunde noch einmal."
)
WAITLIST_REST, BOOK_NOTHING = "waitlist", "nothing"


@login_required
@require_http_methods(["GET", "POST"])
def book_view(request, run_id: int):
    """Book seats of a run for one of the person's organisations. When fewer seats are free than asked,
    the contact chooses: the free ones and the rest on the waiting list, or nothing."""
    run = get_object_or_404(run_list(include_past=True), pk=run_id)
    organisations = list(organisations_of_contact(user=request.user))
    context = {
        "run": run,
        "course": run.course,
        "closed_reason": enrolment_closed_reason(run=run),
        "release_at": unnamed_release_at(run=run),
    }
    if not organisations:
        return render(request, "courses/bookings/book.html", {**context, "not_contact": True}, status=403)
    if request.method == "POST" and request.POST.get("rest") == BOOK_NOTHING:
        messages.info(request, _("Sie haben nichts gebucht."))
        return redirect(f"{run.course.url}#termin-{run.pk}")
    form = BookingForm(
        request.POST if request.method == "POST" else None, organisations=organisations, capacity=run.capacity
    )
    if request.method == "POST" and form.is_valid():
        if ratelimit.action_limited(request, "booking"):
            form.add_error(None, TOO_MANY)
        else:
            ratelimit.action_hit(request, "booking")
            try:
                booking = booking_create(
                    run=run,
                    organisation=form.cleaned_data["organisation"],
                    by=request.user,
                    seats=form.cleaned_data["seats"],
                    waitlist_rest=request.POST.get("rest") == WAITLIST_REST,
                )
            except NotEnoughSeats as exc:
                context["not_enough"] = exc.message
            except (DomainError, ValidationError) as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _booked_message(booking))
                return redirect("bookings:booking", booking_id=booking.pk)
    return render(request, "courses/bookings/book.html", {**context, "form": form})


def _booked_message(booking: Booking) -> str:
    waiting = booking.enrolments.filter(status=Enrolment.Status.WAITLISTED).count()
    held = booking.seats_requested - waiting
    text = ngettext(
        "Gebucht: %(n)s Platz ist für %(organisation)s sicher.",
        "Gebucht: %(n)s Plätze sind für %(organisation)s sicher.",
        held,
    ) % {"n": held, "organisation": booking.organisation}
    if waiting:
        text += " " + ngettext(
            "%(n)s Platz steht auf der Warteliste.", "%(n)s Plätze stehen auf der Warteliste.", waiting
        ) % {"n": waiting}
    return text


@login_required
def my_bookings_view(request):
    upcoming, past = bookings_upcoming_and_past(user=request.user)
    sections = [{"id": "kommende", "title": _("Kommende Kurse"), "bookings": upcoming, "active": True}]
    if past:
        sections.append(
            {
                "id": "fruehere",
                "title": _("Frühere und stornierte Buchungen"),
                "bookings": past,
                "active": False,
            }
        )
    return render(request, "courses/bookings/my_bookings.html", {"sections": sections})


def _booking_or_404(request, booking_id: int) -> Booking:
    """One of the person's organisations' bookings; anyone else's is not found."""
    return get_object_or_404(bookings_of_contact(user=request.user), pk=booking_id)


@login_required
@require_http_methods(["GET", "POST"])
def booking_view(request, booking_id: int):
    """The booking's seats and what to do with them; POST names one member for an unnamed seat."""
    booking = _booking_or_404(request, booking_id)
    form = MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = booking_member_add(
                booking=booking,
                by=request.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
            )
        except (DomainError, ValidationError) as exc:
            form.add_refusal(exc)
        else:
            messages.success(
                request,
                _("%(name)s bekommt jetzt eine Einladung an %(email)s.")
                % {"name": member.member_name, "email": member.member_email},
            )
            return redirect("bookings:booking", booking_id=booking.pk)
    context = {
        "booking": booking,
        "run": booking.run,
        "state": booking_state(booking=booking),
        "places": booking_places(booking=booking),
        "form": form,
    }
    return render(request, "courses/bookings/booking.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request, booking_id: int):
    """Confirm, then cancel the whole booking."""
    booking = _booking_or_404(request, booking_id)
    if request.method == "POST":
        try:
            booking_cancel(booking=booking, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Die Buchung für „%(course)s“ ist storniert. "
                    "Wer schon eingeladen war, bekommt eine E-Mail."
                )
                % {"course": booking.run},
            )
        return redirect("bookings:booking", booking_id=booking.pk)
    context = {"booking": booking, "run": booking.run, "state": booking_state(booking=booking)}
    return render(request, "courses/bookings/booking_cancel.html", context)


def _member_or_404(booking: Booking, enrolment_id: int, statuses) -> Enrolment:
    return get_object_or_404(Enrolment.objects.filter(booking=booking, status__in=statuses), pk=enrolment_id)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove_view(request, booking_id: int, enrolment_id: int):
    """Confirm, then take a named member off their seat so that someone else can have it."""
    booking = _booking_or_404(request, booking_id)
    member = _member_or_404(booking, enrolment_id, (Enrolment.Status.INVITED, Enrolment.Status.CONFIRMED))
    if request.method == "POST":
        try:
            booking_member_remove(booking=booking, enrolment=member, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s hat den Platz nicht mehr und bekommt eine E-Mail.")
                % {"name": member.holder_name},
            )
        return redirect("bookings:booking", booking_id=booking.pk)
    context = {
        "booking": booking,
        "run": booking.run,
        "member": member,
        "state": booking_state(booking=booking),
    }
    return render(request, "courses/bookings/member_remove.html", context)


@login_required
@require_POST
def offer_answer_view(request, booking_id: int, enrolment_id: int, answer: str):
    """Take or decline a seat the waiting list offers the booking."""
    booking = _booking_or_404(request, booking_id)
    seat = _member_or_404(booking, enrolment_id, (Enrolment.Status.OFFERED,))
    try:
        if answer == "accept":
            offer_accept(enrolment=seat, by=request.user)
            messages.success(
                request, _("Der Platz gehört jetzt Ihrer Buchung. Sie können ihn jemandem geben.")
            )
        else:
            offer_decline(enrolment=seat, by=request.user)
            messages.success(request, _("Sie haben den Platz abgelehnt. Er geht an die nächste Person."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("bookings:booking", booking_id=booking.pk)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_view(request, token: str):
    """A named member's invitation: accept with their own consent (and, if needed, logging in or creating
    their account in the same step), or decline. A used or unknown link is a friendly 404."""
    enrolment = invitation_enrolment(token)
    refusal = (
        _("Diese Einladung gilt nicht mehr.")
        if enrolment is None
        else invitation_refusal(enrolment=enrolment)
    )
    if refusal:
        return render(request, "courses/bookings/invitation_invalid.html", {"reason": refusal}, status=404)
    if request.method == "POST" and "decline" in request.POST:
        return _decline(request, enrolment)
    existing = None
    if request.user.is_authenticated:
        case = InvitationForm.LOGGED_IN
    else:
        existing = User.objects.filter(email__iexact=enrolment.member_email).first()
        case = InvitationForm.EXISTING_ACCOUNT if existing else InvitationForm.NEW_ACCOUNT
    form = InvitationForm(
        request.POST if request.method == "POST" else None,
        case=case,
        email=enrolment.member_email,
        organisation=enrolment.booking.organisation,
        initial={"full_name": enrolment.member_name},
    )
    context = {"enrolment": enrolment, "run": enrolment.run, "form": form}
    if request.method == "POST" and form.is_valid():
        user = _invitation_user(request, form, existing, context)
        if user is not None:
            try:
                invitation_accept(enrolment=enrolment, user=user, consent=form.cleaned_data["consent"])
            except (DomainError, ValidationError) as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Sie sind für „%(course)s“ angemeldet. Ihr Platz ist sicher.")
                    % {"course": enrolment.run},
                )
                return redirect("courses:my_courses")
    status = 429 if context.get("lock_message") else 200
    return render(request, "courses/bookings/invitation.html", context, status=status)


def _invitation_user(request, form: InvitationForm, existing: User | None, context: dict) -> User | None:
    """The account that takes the seat: the one logged in, the existing one after its password, or a new
    one. Logs the person in; None with the reason on the form (or a login lock in `context`)."""
    if form.case == InvitationForm.LOGGED_IN:
        return request.user
    if form.case == InvitationForm.EXISTING_ACCOUNT:
        user = authenticate(request, username=existing.email, password=form.cleaned_data["password"])
        if user is None:
            if lockout.is_locked_out(request):
                context["lock_message"] = lockout.current_lock(request).message
                context["password_hint"] = lockout.PASSWORD_HINT
            else:
                form.add_error(
                    "password", _("Das Passwort stimmt nicht. Bitte versuchen Sie es noch einmal.")
                )
            return None
        login(request, user)
        return user
    if ratelimit.action_limited(request, "signup"):
        form.add_error(None, TOO_MANY)
        return None
    ratelimit.action_hit(request, "signup")
    try:
        user = user_register(
            email=form.email,
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
            language=get_language(),
        )
    except EmailAlreadyRegistered:
        form.add_error(
            None, _("Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte laden Sie die Seite neu.")
        )
        return None
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    login(request, user, backend=MODEL_BACKEND)
    return user


def _decline(request, enrolment: Enrolment):
    try:
        invitation_decline(enrolment=enrolment)
    except DomainError as exc:
        return render(
            request, "courses/bookings/invitation_invalid.html", {"reason": exc.message}, status=404
        )
    messages.success(
        request,
        _("Sie haben die Einladung abgelehnt. %(organisation)s kann den Platz jemand anderem geben.")
        % {"organisation": enrolment.booking.organisation},
    )
    return redirect("/")

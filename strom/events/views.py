"""Event pages: the list, an event with its programme, the printable programme, downloads, registration,
and for organisers creating, importing, publishing and marking attendance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.accounts.secret_links import secret_hash
from strom.audit.services import audit_read
from strom.core.errors import NotAllowed
from strom.core.forms import form_saved
from strom.core.htmx import is_htmx_partial
from strom.directory.models import Organisation
from strom.events.access import (
    check_may_organise,
    get_event_for,
    get_library_material_for,
    get_material_for,
    get_registration_for,
    get_session_for,
    may_manage,
    may_organise_events,
    may_register,
    organising_org_ids,
)
from strom.events.exchange import FORMATS, event_url, export_event
from strom.events.forms import (
    AttachForm,
    CancelForm,
    EventForm,
    ImportForm,
    MaterialForm,
    ModuleForm,
    RegistrationForm,
    SessionForm,
)
from strom.events.ical import person_calendar
from strom.events.models import CalendarFeed, Event, LibraryMaterial, Registration, RegistrationStatus
from strom.events.schedule import ScheduleInvalid, parse_schedule
from strom.events.selectors import (
    calendar_events_of,
    event_list,
    own_registration,
    participant_list,
    places_taken,
    programme,
    registrations_for_organisers,
    trainers,
)
from strom.events.services import (
    attendance_mark,
    event_cancel,
    event_create,
    event_publish,
    event_unpublish,
    event_update,
    material_add,
    programme_import,
    registration_cancel,
    registration_create,
    session_add,
    session_delete,
    session_update,
)
from strom.events.services_trainings import calendar_feed_create, calendar_feed_revoke

MAX_UPLOAD = 5 * 1024 * 1024


def _organisations(request: AuthenticatedHttpRequest) -> object:
    from strom.core.roles import Perm

    if request.user.has_global(Perm.EVENTS_ORGANISE):
        return Organisation.objects.filter(is_active=True).order_by("name")
    return Organisation.objects.filter(pk__in=organising_org_ids(request.user)).order_by("name")


@login_required
@require_GET
def event_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "events": event_list(request.user).select_related("organisation"),
        "may_organise": may_organise_events(request.user),
    }
    return render(request, "events/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_may_organise(request.user)
    form = EventForm(request.POST or None, organisations=_organisations(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = event_create(
                by=request.user,
                organisation=data["organisation"],
                kind=data["kind"],
                title=data["title"],
                acronym=data["acronym"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                timezone_name=data["timezone_name"],
                venue=data["venue"],
                city=data["city"],
                country=data["country"],
                online=data["online"],
                description=data["description"],
                co_funders=data["co_funders"],
                languages=data["languages"],
                interpretation=data["interpretation"],
                capacity=data["capacity"],
                target_sectors=data["target_sectors"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event is created as a draft."))
            return redirect("events:detail", event.slug)
    return render(request, "events/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def event_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_may_organise(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, organisations=_organisations(request))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            problems = [_("The file is larger than 5 MB.")]
        else:
            try:
                parsed = parse_schedule(upload.read())
                event = programme_import(
                    by=request.user,
                    programme=parsed,
                    organisation=form.cleaned_data["organisation"],
                    replace=form.cleaned_data["replace"],
                )
            except ScheduleInvalid as exc:
                problems = [str(p) for p in exc.problems]
            else:
                messages.success(request, _("The programme is imported; the event is a draft."))
                return redirect("events:detail", event.slug)
    return render(request, "events/import.html", {"form": form, "problems": problems})


def _detail_context(request: AuthenticatedHttpRequest, event: Event) -> dict[str, object]:
    manage = may_manage(request.user, event)
    return {
        "event": event,
        "organisers": event.organisers.all(),
        "days": programme(event),
        "may_manage": manage,
        "may_register": may_register(request.user, event),
        "registration": own_registration(request.user, event),
        "participants": participant_list(event),
        "places_taken": places_taken(event),
        "formats": FORMATS,
        "form": RegistrationForm(initial={"name": request.user.full_name, "email": request.user.email}),
        "modules": list(event.modules.prefetch_related("sessions")) if event.is_training else [],
        "trainers": trainers(event) if event.is_training else [],
        "library": event.library.all(),
        "module_form": ModuleForm(sessions=event.sessions.all()) if manage and event.is_training else None,
    }


@login_required
@require_GET
def event_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug)
    return render(request, "events/detail.html", _detail_context(request, event))


@login_required
@require_GET
def event_programme(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The programme alone, laid out to be printed."""
    event = get_event_for(request.user, slug)
    context = {"event": event, "organisers": event.organisers.all(), "days": programme(event)}
    return render(request, "events/programme.html", context)


@login_required
@require_GET
def event_download(request: AuthenticatedHttpRequest, slug: str, fmt: str) -> HttpResponse:
    event = get_event_for(request.user, slug)
    if fmt not in FORMATS:
        raise NotAllowed
    body, content_type, name = export_event(event, fmt, site_url=settings.SITE_URL)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def my_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One calendar with the programmes of every event the user is registered for (or waiting)."""
    events = calendar_events_of(request.user)
    body = person_calendar(
        [(event, event_url(event, site_url=settings.SITE_URL)) for event in events], name=_("My events")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="strom-my-events.ics"'
    return response


@login_required
@require_POST
def event_publish_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    if request.POST.get("unpublish"):
        event_unpublish(by=request.user, event=event)
        messages.success(request, _("The event is a draft again."))
    else:
        event_publish(by=request.user, event=event)
        messages.success(request, _("The event is published."))
    return redirect("events:detail", event.slug)


@login_required
@require_POST
def event_register(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug)
    form = RegistrationForm(request.POST)
    for_self = not request.POST.get("for_other")
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = registration_create(
                by=request.user,
                event=event,
                name=data["name"],
                email=data["email"],
                organisation_name=data["organisation_name"],
                sector=data["sector"],
                country=data["country"],
                needs=data["needs"],
                consent_list=data["consent_list"],
                consent_contact=data["consent_contact"],
                for_self=for_self,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if registration.status == RegistrationStatus.WAITING:
                messages.info(request, _("The event is full: the registration is on the waiting list."))
            else:
                messages.success(request, _("The registration is saved."))
            return redirect("events:registrations" if not for_self else "events:detail", event.slug)
    context = _detail_context(request, event)
    context["form"] = form
    return render(request, "events/detail.html", context, status=200)


@login_required
@require_POST
def registration_cancel_view(request: AuthenticatedHttpRequest, registration_id: int) -> HttpResponse:
    registration = get_registration_for(request.user, registration_id)
    promoted = registration_cancel(by=request.user, registration=registration)
    messages.success(request, _("The registration is cancelled."))
    if promoted is not None:
        messages.info(request, _("A place went to the first person on the waiting list."))
    return redirect("events:detail", registration.event.slug)


@login_required
@require_GET
def event_registrations(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    rows = registrations_for_organisers(request.user, event)
    if rows:
        audit_read(
            actor=request.user,
            object_type="event_registrations",
            object_ref=event.pk,
            organisation_id=event.organisation_id,
            details={"count": len(rows)},
        )
    context = {
        "event": event,
        "registrations": rows,
        "registered": sum(1 for r in rows if r.status == RegistrationStatus.REGISTERED),
        "waiting": sum(1 for r in rows if r.status == RegistrationStatus.WAITING),
        "attended": sum(1 for r in rows if r.attended_at),
        "form": RegistrationForm(),
    }
    return render(request, "events/registrations.html", context)


@login_required
@require_POST
def registration_attendance(request: AuthenticatedHttpRequest, registration_id: int) -> HttpResponse:
    registration: Registration = get_registration_for(request.user, registration_id, manage=True)
    try:
        registration = attendance_mark(
            by=request.user, registration=registration, attended=request.POST.get("attended") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if is_htmx_partial(request):
        return render(
            request, "events/_registration_row.html", {"r": registration, "event": registration.event}
        )
    return redirect("events:registrations", registration.event.slug)


def _on_the_form(form: Any, error: ValidationError) -> None:
    """A refusal of the whole session (a clash in its room, a day outside the event) above the form."""
    form.add_error(None, error)


def _session_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What the session form gives the services that add and change a session."""
    names = ("date", "start", "duration_minutes", "kind", "title", "description", "language", "people")
    return {"room_name": data["room"], **{name: data[name] for name in names}}


@login_required
@require_http_methods(["GET", "POST"])
def event_session_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Organisers add a session to the programme, with its people; materials are attached below."""
    event = get_event_for(request.user, slug, manage=True)
    days = list(event.days.values_list("date", flat=True))
    form = SessionForm(request.POST or None, days=days)
    sessions = event.sessions.select_related("day").order_by("day__date", "start")
    material_form = MaterialForm(sessions=sessions)
    saved = form_saved(
        request,
        form,
        lambda: session_add(by=request.user, event=event, **_session_fields(form.cleaned_data)),
        then=reverse("events:session_add", args=[event.slug]),
        done=_("The session is on the programme."),
        errors=_on_the_form,
    )
    if saved:
        return saved
    context = {
        "event": event,
        "form": form,
        "material_form": material_form,
        "days": programme(event),
        "attach_form": AttachForm(
            materials=LibraryMaterial.objects.visible_to(request.user), sessions=sessions
        ),
        "attached": event.library.all(),
    }
    return render(request, "events/session_form.html", context)


@login_required
@require_POST
def event_material_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    form = MaterialForm(request.POST, request.FILES, sessions=event.sessions.all())
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload is not None and upload.size > MAX_UPLOAD * 4:
            messages.error(request, _("The file is larger than 20 MB."))
        else:
            try:
                material_add(
                    by=request.user,
                    session=form.cleaned_data["session"],
                    title=form.cleaned_data["title"],
                    url=form.cleaned_data["url"],
                    file=upload,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The material is attached."))
    else:
        messages.error(request, _("Choose a session and give a title and a link or a file."))
    return redirect("events:session_add", event.slug)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event_update(
                by=request.user,
                event=event,
                kind=data["kind"],
                title=data["title"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                timezone_name=data["timezone_name"],
                venue=data["venue"],
                city=data["city"],
                country=data["country"],
                online=data["online"],
                description=data["description"],
                co_funders=data["co_funders"],
                languages=data["languages"],
                interpretation=data["interpretation"],
                capacity=data["capacity"],
                target_sectors=data["target_sectors"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:detail", event.slug)
    context = {"form": form, "event": event, "cancel_form": CancelForm()}
    return render(request, "events/form.html", context)


@login_required
@require_POST
def event_cancel_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the event is cancelled; registrants will read it."))
        return redirect("events:edit", event.slug)
    try:
        event_cancel(by=request.user, event=event, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The event is cancelled."))
    return redirect("events:detail", event.slug)


@login_required
@require_http_methods(["GET", "POST"])
def event_session_edit(request: AuthenticatedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    session = get_session_for(request.user, event, session_id)
    days = list(event.days.values_list("date", flat=True))
    form = SessionForm(request.POST or None, days=days, initial=SessionForm.initial_for(session))
    saved = form_saved(
        request,
        form,
        lambda: session_update(by=request.user, session=session, **_session_fields(form.cleaned_data)),
        then=reverse("events:session_add", args=[event.slug]),
        done=_("The session is saved."),
        errors=_on_the_form,
    )
    if saved:
        return saved
    return render(request, "events/session_edit.html", {"event": event, "session": session, "form": form})


@login_required
@require_POST
def event_session_delete(request: AuthenticatedHttpRequest, slug: str, session_id: int) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    session = get_session_for(request.user, event, session_id)
    session_delete(by=request.user, session=session)
    messages.success(request, _("The session is taken off the programme."))
    return redirect("events:session_add", event.slug)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_link(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's secret calendar link: made (or made anew) and revoked here; shown once when made."""
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            calendar_feed_revoke(by=request.user)
            messages.success(request, _("The calendar link no longer works."))
            return redirect("events:calendar_link")
        token = calendar_feed_create(by=request.user)
        feed_url = settings.SITE_URL.rstrip("/") + reverse("events:feed", args=[token])
    context = {
        "feed_url": feed_url,
        "has_link": CalendarFeed.objects.filter(user=request.user).exists(),
        "events": calendar_events_of(request.user),
    }
    return render(request, "events/calendar_link.html", context)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app's fetch of someone's events, with the secret link as the only key. Holds only the
    programmes of that person's own registrations; a revoked or unknown link answers 404."""
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=secret_hash(token)).first()
    if feed is None or not feed.user.is_active:
        raise NotAllowed
    events = calendar_events_of(feed.user)
    body = person_calendar(
        [(event, event_url(event, site_url=settings.SITE_URL)) for event in events], name=_("My events")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


def _file_response(stored: FieldFile) -> FileResponse:
    """A stored material as an attachment, never rendered by the browser as a page of STROM's."""
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=Path(stored.name or "").name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def material_download(request: AuthenticatedHttpRequest, material_id: int) -> HttpResponse | FileResponse:
    material = get_material_for(request.user, material_id)
    if material.url or not material.file:
        return redirect(material.url or reverse("events:list"))
    return _file_response(material.file)


@login_required
@require_GET
def library_download(request: AuthenticatedHttpRequest, material_id: int) -> HttpResponse | FileResponse:
    material = get_library_material_for(request.user, material_id)
    if material.url or not material.file:
        return redirect(material.url or reverse("events:library"))
    return _file_response(material.file)

"""Training pages: the curriculum, the library of training materials, certificates of attendance (and
their verification), and the report of people trained per sector, country and year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from strom.accounts.http import AuthenticatedHttpRequest
from strom.audit.services import audit_read
from strom.core.errors import NotAllowed
from strom.core.roles import Perm
from strom.directory.models import Organisation
from strom.events.access import (
    check_may_organise,
    check_may_see_training_report,
    get_event_for,
    get_library_material_for,
    get_registration_for,
    may_organise_events,
    organising_org_ids,
)
from strom.events.certificates import certificate_languages, certificate_pdf
from strom.events.forms import (
    AttachForm,
    LibraryFilterForm,
    LibraryMaterialForm,
    ModuleForm,
    ReportFilterForm,
    VerifyForm,
)
from strom.events.models import CurriculumModule, LibraryMaterial, Registration, RegistrationStatus
from strom.events.reports import sector_label, trained_csv
from strom.events.selectors import TrainedRow, library, people_trained
from strom.events.services_trainings import (
    certificates_issue,
    library_material_add,
    library_material_attach,
    library_material_detach,
    module_add,
    module_delete,
)

MAX_MATERIAL = 20 * 1024 * 1024


def _organisations(request: AuthenticatedHttpRequest) -> object:
    if request.user.has_global(Perm.EVENTS_ORGANISE):
        return Organisation.objects.filter(is_active=True).order_by("name")
    return Organisation.objects.filter(pk__in=organising_org_ids(request.user)).order_by("name")


# --- curriculum ----------------------------------------------------------------------------------


@login_required
@require_POST
def curriculum_module_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    form = ModuleForm(request.POST, sessions=event.sessions.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            module_add(
                by=request.user,
                event=event,
                title=data["title"],
                learning_goals=data["learning_goals"],
                duration_minutes=data["duration_minutes"],
                sessions=list(data["sessions"]),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The module is in the curriculum."))
    else:
        messages.error(request, _("Give the module a title and a duration."))
    return redirect("events:detail", event.slug)


@login_required
@require_POST
def curriculum_module_delete(request: AuthenticatedHttpRequest, slug: str, module_id: int) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    module = CurriculumModule.objects.filter(pk=module_id, event=event).first()
    if module is None:
        raise NotAllowed
    module_delete(by=request.user, module=module)
    messages.success(request, _("The module is taken out of the curriculum."))
    return redirect("events:detail", event.slug)


# --- library -------------------------------------------------------------------------------------


@login_required
@require_GET
def library_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    materials = library(
        request.user,
        sector=filters.get("sector") or "",
        language=(filters.get("language") or "").strip().lower(),
        query=(filters.get("q") or "").strip(),
    )
    context = {"form": form, "materials": materials, "may_add": may_organise_events(request.user)}
    return render(request, "events/library.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def library_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_may_organise(request.user)
    form = LibraryMaterialForm(
        request.POST or None, request.FILES or None, organisations=_organisations(request)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        if upload is not None and upload.size > MAX_MATERIAL:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            try:
                library_material_add(
                    by=request.user,
                    organisation=data["organisation"],
                    title=data["title"],
                    description=data["description"],
                    language=data["language"],
                    sectors=data["sectors"],
                    url=data["url"],
                    file=upload,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The material is in the library."))
                return redirect("events:library")
    return render(request, "events/library_form.html", {"form": form})


@login_required
@require_POST
def library_attach(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    form = AttachForm(
        request.POST,
        materials=LibraryMaterial.objects.visible_to(request.user),
        sessions=event.sessions.all(),
    )
    if form.is_valid():
        library_material_attach(
            by=request.user,
            material=form.cleaned_data["material"],
            event=event,
            session=form.cleaned_data["session"],
        )
        messages.success(request, _("The material is attached."))
    else:
        messages.error(request, _("Choose a material from the library."))
    return redirect("events:session_add", event.slug)


@login_required
@require_POST
def library_detach(request: AuthenticatedHttpRequest, slug: str, material_id: int) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    material = get_library_material_for(request.user, material_id)
    library_material_detach(by=request.user, material=material, event=event)
    messages.success(request, _("The material is no longer attached."))
    return redirect("events:session_add", event.slug)


# --- certificates --------------------------------------------------------------------------------


@login_required
@require_POST
def certificates_issue_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    event = get_event_for(request.user, slug, manage=True)
    try:
        issued = certificates_issue(by=request.user, event=event)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Certificates issued: %(count)d.") % {"count": issued})
    return redirect("events:registrations", event.slug)


@login_required
@require_GET
def certificate_download(request: AuthenticatedHttpRequest, registration_id: int) -> HttpResponse:
    """The participant's own certificate, or any of the event's for its organisers; a read of the name."""
    registration: Registration = get_registration_for(request.user, registration_id)
    if not registration.certificate_code:
        raise NotAllowed
    languages = certificate_languages(registration)
    language = request.GET.get("language", "")
    language = language if language in languages else languages[0]
    body = certificate_pdf(registration, language=language)
    audit_read(
        actor=request.user,
        object_type="event_certificate",
        object_ref=registration.pk,
        organisation_id=registration.event.organisation_id,
        details={"event": registration.event_id, "language": language},
    )
    response = HttpResponse(body, content_type="application/pdf")
    name = f"certificate-{registration.event.slug}-{registration.certificate_code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _matches(registration: Registration, name: str) -> bool:
    return " ".join(name.split()).casefold() == " ".join(registration.name.split()).casefold()


@require_GET
def certificate_verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a certificate with its code and the name printed on it. The answer names the
    training, never the person: someone without the certificate learns nothing."""
    form = VerifyForm(request.GET or None)
    result: Registration | None = None
    checked = False
    if form.is_valid():
        checked = True
        code = form.cleaned_data["code"].strip().upper()
        candidate = (
            Registration.objects.select_related("event")
            .filter(certificate_code=code, status=RegistrationStatus.REGISTERED, attended_at__isnull=False)
            .first()
        )
        if candidate is not None and _matches(candidate, form.cleaned_data["name"]):
            result = candidate
    context = {"form": form, "checked": checked, "event": result.event if result else None}
    return render(request, "events/certificate_verify.html", context)


# --- report --------------------------------------------------------------------------------------


def _report(request: AuthenticatedHttpRequest) -> tuple[ReportFilterForm, list[TrainedRow]]:
    check_may_see_training_report(request.user)
    form = ReportFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = people_trained(
        year=data.get("year"), country=data.get("country") or "", sector=data.get("sector") or ""
    )
    return form, rows


@login_required
@require_GET
def training_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, rows = _report(request)
    context = {
        "form": form,
        "rows": [(row, sector_label(row.sector)) for row in rows],
        "total": sum(row.people for row in rows),
        "query": request.GET.urlencode(),
    }
    return render(request, "events/training_report.html", context)


@login_required
@require_GET
def training_report_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, rows = _report(request)
    response = HttpResponse(trained_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="strom-people-trained.csv"'
    return response

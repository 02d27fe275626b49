"""Certificates of attendance as PDF (fpdf2), in the participant's or the event's language.

The font is DejaVu Sans, shipped in strom/events/data/fonts with its licence (docs/decisions/
0003-certificate-font.md): PDF's built-in fonts have no Latvian, Lithuanian or Cyrillic letters, and
no installed Python package ships a font that has them. fpdf2 embeds only the glyphs used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from strom.events.models import Event, Registration

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).parent / "data" / "fonts"


def certificate_languages(registration: Registration) -> list[str]:
    """The languages a certificate can be printed in: the site's languages, the participant's own
    first, then the event's."""
    available = [code for code, _name in settings.LANGUAGES]
    wanted = [getattr(registration.user, "language", "") or "", *registration.event.languages, "en"]
    ordered = [code for code in wanted if code in available]
    ordered += [code for code in available if code not in ordered]
    return list(dict.fromkeys(ordered))


def _dates(event: Event) -> str:
    first = date_format(event.start_date, "DATE_FORMAT")
    if event.end_date == event.start_date:
        return first
    return f"{first} \u2013 {date_format(event.end_date, 'DATE_FORMAT')}"


def _trainers(event: Event) -> list[str]:
    names = (
        event.sessions.filter(people__role="trainer")
        .order_by("people__position", "people__pk")
        .values_list("people__name", flat=True)
    )
    return list(dict.fromkeys(names))


def _hours(event: Event) -> float:
    minutes = sum(module.duration_minutes for module in event.modules.all())
    if not minutes:
        minutes = sum(
            session.duration_minutes
            for session in event.sessions.all()
            if session.kind not in {"break", "meal"}
        )
    return round(minutes / 60, 1)


def certificate_pdf(registration: Registration, *, language: str) -> bytes:
    """One A4 page: who attended what, when and where, the modules, the trainers, and the code."""
    # Imported here: with the fonts and images it loads, 24 MB in every process for a rare download.
    from fpdf import FPDF

    event = registration.event
    with translation.override(language):
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_title(_("Certificate of attendance"))
        pdf.set_creator("STROM")
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_margins(25, 25, 25)
        pdf.add_page()
        width = pdf.w - 50
        pdf.set_font("DejaVu", "B", 24)
        pdf.multi_cell(width, 14, _("Certificate of attendance"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        pdf.set_font("DejaVu", "", 12)
        pdf.multi_cell(width, 7, _("This is to certify that"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 18)
        pdf.multi_cell(width, 10, registration.name, align="C", new_x="LMARGIN", new_y="NEXT")
        if registration.organisation_name:
            pdf.set_font("DejaVu", "", 12)
            pdf.multi_cell(width, 7, registration.organisation_name, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font("DejaVu", "", 12)
        pdf.multi_cell(width, 7, _("attended the training"), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 14)
        pdf.multi_cell(width, 8, f"“{event.title}”", align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 12)
        where = event.place or _("online")
        pdf.multi_cell(width, 7, f"{_dates(event)}, {where}", align="C", new_x="LMARGIN", new_y="NEXT")
        hours = _hours(event)
        if hours:
            pdf.multi_cell(
                width,
                7,
                _("%(hours)s hours of training") % {"hours": f"{hours:g}"},
                align="C",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        _modules_and_trainers(pdf, event, width)
        _footer(pdf, event, registration, width)
        body = pdf.output()
    return bytes(body)


def _modules_and_trainers(pdf: FPDF, event: Event, width: float) -> None:
    modules = list(event.modules.all())
    if modules:
        pdf.ln(6)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(width, 6, _("Curriculum"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        for number, module in enumerate(modules, start=1):
            pdf.multi_cell(width, 5.5, f"{number}. {module.title}", new_x="LMARGIN", new_y="NEXT")
    trainers = _trainers(event)
    if trainers:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(width, 6, _("Trainers"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(width, 5.5, ", ".join(trainers), new_x="LMARGIN", new_y="NEXT")


def _footer(pdf: FPDF, event: Event, registration: Registration, width: float) -> None:
    organisers = ", ".join(o.name for o in event.organisers.all()) or event.organisation.name
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(
        width,
        5.5,
        _("Organised by %(organisers)s") % {"organisers": organisers},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if event.co_funders:
        pdf.multi_cell(
            width,
            5.5,
            _("Co-funded by %(funders)s") % {"funders": event.co_funders},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_y(-45)
    verify = settings.SITE_URL.rstrip("/") + reverse("events:certificate_verify")
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(
        width,
        6,
        _("Verification code: %(code)s") % {"code": registration.certificate_code},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        width,
        5,
        _("Check this certificate at %(url)s with the code and the name above.") % {"url": verify},
        new_x="LMARGIN",
        new_y="NEXT",
    )

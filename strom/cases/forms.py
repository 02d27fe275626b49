"""Forms for opening a case, editing a person or a case, adding a document, and filtering the list.

Forms only check shape (a date is a date, a code is in the list); the services check the rules and
their errors are put back on the form fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from strom.accounts.models import User
from strom.cases.choices import DocumentType, Exploitation, Gender, MigrationStatus, Stage
from strom.cases.models import Case, Person
from strom.cases.selectors import case_workers_for
from strom.cases.services_casework import person_consistency_errors
from strom.core.collation import collated
from strom.core.countries import country_choices
from strom.core.datefields import TypedDateField
from strom.core.roles import Perm
from strom.directory.models import Municipality, Organisation

# ISO 639-1 (ISO 639-3 where there is no two-letter code): the Baltic Sea region first, then the
# languages most often needed for interpretation with people trafficked into the region.
LANGUAGE_CHOICES: list[tuple[str, Any]] = [
    ("lv", _("Latvian")),
    ("lt", _("Lithuanian")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("da", _("Danish")),
    ("is", _("Icelandic")),
    ("pl", _("Polish")),
    ("de", _("German")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("be", _("Belarusian")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
    ("ro", _("Romanian")),
    ("bg", _("Bulgarian")),
    ("cs", _("Czech")),
    ("sk", _("Slovak")),
    ("hu", _("Hungarian")),
    ("hr", _("Croatian")),
    ("sr", _("Serbian")),
    ("sq", _("Albanian")),
    ("el", _("Greek")),
    ("tr", _("Turkish")),
    ("ka", _("Georgian")),
    ("hy", _("Armenian")),
    ("az", _("Azerbaijani")),
    ("kk", _("Kazakh")),
    ("ky", _("Kyrgyz")),
    ("uz", _("Uzbek")),
    ("tg", _("Tajik")),
    ("tk", _("Turkmen")),
    ("mn", _("Mongolian")),
    ("vi", _("Vietnamese")),
    ("zh", _("Chinese")),
    ("th", _("Thai")),
    ("tl", _("Tagalog")),
    ("id", _("Indonesian")),
    ("ne", _("Nepali")),
    ("hi", _("Hindi")),
    ("bn", _("Bengali")),
    ("ur", _("Urdu")),
    ("pa", _("Punjabi")),
    ("si", _("Sinhala")),
    ("ta", _("Tamil")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("prs", _("Dari")),
    ("ps", _("Pashto")),
    ("ku", _("Kurdish")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharic")),
    ("sw", _("Swahili")),
    ("yo", _("Yoruba")),
    ("ig", _("Igbo")),
    ("ha", _("Hausa")),
    ("edo", _("Edo")),
    ("rom", _("Romani")),
]

YES_NO_ANY = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class PersonFields(forms.Form):
    """The person's fields, shared by "open a case" and "edit person"."""

    person_field_names = (
        "given_name",
        "family_name",
        "other_names",
        "gender",
        "birth_date",
        "age_estimate",
        "age_uncertain",
        "believed_child",
        "citizenships",
        "languages",
        "contact",
        "address",
        "migration_status",
    )

    given_name = forms.CharField(label=_("Given name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    other_names = forms.CharField(
        label=_("Other names and spellings"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: aliases, earlier names, spellings seen on documents or in other scripts."),
    )
    gender = forms.ChoiceField(label=_("Sex/gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    birth_date = TypedDateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("If the date is not known, give an estimated age instead."),
    )
    age_estimate = forms.IntegerField(label=_("Estimated age"), required=False, min_value=0, max_value=120)
    age_uncertain = forms.BooleanField(
        label=_("Age uncertain"),
        required=False,
        help_text=_(
            "The person's age is not known or not established (no reliable document, or the document "
            "is doubted)."
        ),
    )
    believed_child = forms.BooleanField(
        label=_("There are reasons to believe the person is a child"),
        required=False,
        help_text=_(
            "With the age uncertain, the case is then handled as a child's case (presumption of childhood)."
        ),
    )
    citizenships = forms.MultipleChoiceField(
        label=_("Citizenships"),
        choices=country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    contact = forms.CharField(
        label=_("Contact (phone, e-mail)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    address = forms.CharField(
        label=_("Current address"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    migration_status = forms.ChoiceField(
        label=_("Migration status"), choices=MigrationStatus.choices, initial=MigrationStatus.UNKNOWN
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, message in person_consistency_errors(data).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def person_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.person_field_names}
        data["birth_date"] = data["birth_date"].isoformat() if data["birth_date"] else ""
        for name in ("given_name", "family_name", "other_names", "contact", "address"):
            data[name] = data[name].strip()
        data["other_names"] = "\n".join(
            line.strip() for line in data["other_names"].splitlines() if line.strip()
        )
        return data

    def person_fields(self) -> list[BoundField]:
        return [self[name] for name in self.person_field_names]


class DocumentFields(forms.Form):
    document_field_names = ("doc_type", "number", "issuing_country", "expiry_date", "held_by_person")

    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices, required=False)
    number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    issuing_country = forms.ChoiceField(
        label=_("Issuing country"),
        # A callable: the country names are read in the viewer's language each time the form is shown.
        choices=lambda: _blank(_("Not known")) + country_choices(),
        required=False,
    )
    expiry_date = TypedDateField(label=_("Expiry date"), required=False)
    held_by_person = forms.TypedChoiceField(
        label=_("Does the person hold this document?"),
        choices=[("yes", _("Yes, the person has it")), ("no", _("No, someone else holds it or it is lost"))],
        coerce=lambda v: v == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("number") and not data.get("doc_type"):
            self.add_error("doc_type", _("Choose the document type."))
        return data

    def document_data(self) -> dict[str, Any] | None:
        """The document to add, or None when no number was entered."""
        if not self.cleaned_data.get("number"):
            return None
        return {
            "doc_type": self.cleaned_data["doc_type"],
            "number": self.cleaned_data["number"],
            "issuing_country": self.cleaned_data["issuing_country"],
            "expiry_date": self.cleaned_data["expiry_date"],
            "held_by_person": self.cleaned_data["held_by_person"],
        }

    def document_fields(self) -> list[BoundField]:
        return [self[name] for name in self.document_field_names]


class DocumentForm(DocumentFields):
    """Add a document on the person page: the number is required there."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].required = True
        self.fields["doc_type"].required = True


def _municipalities_for(orgs: QuerySet[Organisation]) -> QuerySet[Municipality]:
    countries = {o.country for o in orgs}
    return Municipality.objects.filter(country__in=countries).order_by("country", "name")


class CaseFields(forms.Form):
    case_field_names = ("organisation", "municipality", "forms_of_exploitation", "owner")

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        help_text=_("Where the case is handled; it must be in the organisation's country."),
    )
    forms_of_exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=Exploitation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What is suspected so far; it can be changed later."),
    )
    owner = forms.ModelChoiceField(
        label=_("Case worker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me, if I work on cases here"),
    )

    def setup_case_fields(self, user: User) -> None:
        orgs = Organisation.objects.filter(
            pk__in=user.org_ids_with(Perm.CASE_CREATE), is_active=True
        ).order_by("name")
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        if len(orgs) == 1:
            self.fields["organisation"].initial = orgs[0]
        self.fields["municipality"].queryset = _municipalities_for(orgs)  # type: ignore[attr-defined]
        self.fields["owner"].queryset = case_workers_for(user)  # type: ignore[attr-defined]

    def case_fields(self) -> list[BoundField]:
        return [self[name] for name in self.case_field_names]


class CaseOpenForm(PersonFields, DocumentFields, CaseFields):
    """Person, one optional identity document and the case, saved together or not at all."""

    # Filled when possible duplicates were shown: "new" or the id of the existing person.
    same_person = forms.ChoiceField(
        label=_("Is this one of these persons?"), required=False, widget=forms.RadioSelect, choices=[]
    )

    def __init__(self, *args: Any, user: User, duplicates: list[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_case_fields(user)
        self.set_duplicates(duplicates or [])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A case needs an age to follow the right path (a child's case differs from the start); "not
        # known" must be said, not left blank. A date typed wrong is already an error of its own.
        age_given = (
            data.get("birth_date") or data.get("age_estimate") is not None or data.get("age_uncertain")
        )
        if not age_given and not self.has_error("birth_date") and not self.has_error("age_estimate"):
            self.add_error(
                "age_estimate",
                _(
                    "Give the date of birth or an estimated age, or tick “age uncertain” when the "
                    "age is not known."
                ),
            )
        return data

    def set_duplicates(self, duplicates: list[Person]) -> None:
        choices: list[tuple[str, Any]] = [(str(p.pk), _duplicate_label(p)) for p in duplicates]
        choices.append(("new", _("None of these: record a new person")))
        self.fields["same_person"].choices = choices  # type: ignore[attr-defined]
        self.duplicates = duplicates


def _duplicate_label(person: Person) -> str:
    refs = ", ".join(c.ref for c in getattr(person, "visible_cases", []))
    birth = (date_format(person.birth_date, "SHORT_DATE_FORMAT") if person.birth_date else "") or (
        ngettext("about %(age)d year", "about %(age)d years", person.age_estimate)
        % {"age": person.age_estimate}
        if person.age_estimate is not None
        else "—"
    )
    return str(
        _("%(name)s, born %(birth)s — cases %(refs)s")
        % {"name": person.display_name, "birth": birth, "refs": refs}
    )


class NewCaseForPersonForm(CaseFields):
    """Open another case for a person already recorded (several cases over time)."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_case_fields(user)


class PersonEditForm(PersonFields):
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(person, name) for name in cls.person_field_names}
        initial["version"] = person.version
        return initial


class CaseEditForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.none())
    forms_of_exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=Exploitation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(label=_("Case worker"), queryset=User.objects.none(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, may_assign: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            country=case.country
        ).order_by(collated("name"), "pk")
        if may_assign:
            self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
                is_active=True,
                memberships__organisation_id=case.organisation_id,
                memberships__is_active=True,
                memberships__role__in=_case_roles(),
            ).order_by("full_name", "email")
        else:
            # Reassigning is a supervisor's decision: others see who holds the case but cannot change it.
            del self.fields["owner"]

    @staticmethod
    def initial_for(case: Case) -> dict[str, Any]:
        return {
            "municipality": case.municipality_id,
            "forms_of_exploitation": case.forms_of_exploitation,
            "owner": case.owner_id,
            "version": case.version,
        }

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["forms_of_exploitation"] = sorted(set(data["forms_of_exploitation"]))
        return data


def _case_roles() -> list[str]:
    from strom.core.roles import MATRIX

    return [role for role, perms in MATRIX.items() if Perm.CASE_VIEW in perms]


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Case reference, a name in any spelling or script, or a document number."),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=_blank(_("Any")) + list(Stage.choices), required=False
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Case worker"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False, empty_label=_("Any")
    )
    exploitation = forms.ChoiceField(
        label=_("Form of exploitation"), choices=_blank(_("Any")) + list(Exploitation.choices), required=False
    )
    child = forms.ChoiceField(label=_("Child's case"), choices=YES_NO_ANY, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_workers_for(user)  # type: ignore[attr-defined]
        org_ids = user.org_ids_with(Perm.CASE_VIEW) | user.org_ids_with(Perm.CASE_CREATE)
        # What the two pick-lists depend on (strom.cases.views_list keeps them in the cache by it).
        self.org_ids = sorted(org_ids)
        countries = {
            m.organisation.country for m in user.active_memberships() if m.organisation_id in org_ids
        }
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        ).order_by("country", "name")

    def filters(self) -> Any:
        from strom.cases.selectors import CaseFilters

        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        child = data.get("child", "")
        return CaseFilters(
            q=data.get("q", ""),
            stage=data.get("stage", ""),
            overdue=bool(data.get("overdue")),
            owner_id=data["owner"].pk if data.get("owner") else None,
            municipality_id=data["municipality"].pk if data.get("municipality") else None,
            exploitation=data.get("exploitation", ""),
            child=True if child == "yes" else False if child == "no" else None,
        )


class LegalHoldForm(forms.Form):
    hold = forms.BooleanField(
        label=_("Keep this case beyond its retention period (legal hold)"),
        required=False,
        help_text=_("While the hold is on, retention neither anonymises nor erases the case."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_(
            "About the proceedings, not the person: e.g. “court order of 3 March” or "
            "“compensation claim pending”."
        ),
    )

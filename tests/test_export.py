"""Subject access export: everything about the person, decrypted, as JSON and self-contained HTML."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from strom.audit.models import AuditEntry
from strom.audit.services import audit_read, audit_record
from strom.cases import related
from strom.cases.export import SKIPPED_MODELS, ExportRefused, person_export
from strom.cases.models import Case, IdentityDocument, Person
from strom.cases.tests.factories import make_case
from tests.rights_data import FILE_CONTENT, MARKER, full_person

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(""", re.IGNORECASE)


def _export(
    cast: Any, tmp_path: Path, persona: str = "caseworker_a", **kwargs: Any
) -> tuple[Any, dict[str, Any]]:
    person, cases = full_person(cast)
    result = person_export(by=cast.users[persona], ref=cases[0].ref, out=tmp_path / "out", **kwargs)
    return (person, cases, result), json.loads(result.json_path.read_text(encoding="utf-8"))


def _person_level(model: Any) -> bool:
    """Rows that hang off persons alone, directly or through other such rows (a merge of two records
    and the pair it came from): no case's part."""
    links = related.ownership_links()[model]
    return all(
        link.target is Person or (link.target is not model and _person_level(link.target)) for link in links
    )


def test_export_holds_every_related_model_and_the_decrypted_names(cast: Any, tmp_path: Path) -> None:
    (_person, cases, result), data = _export(cast, tmp_path)
    assert data["format"] == "strom.subject-access/1"
    assert data["person"]["given_name"] == "Jūlijap1"
    assert data["person"]["family_name"] == "Ivanova"
    assert data["person"]["other_names"] == "Юлия Иванова"
    assert data["person"]["birth_date"] == "1990-05-17"
    assert [d["number"] for d in data["identity_documents"]] == ["XYp1123456"]
    assert sorted(c["ref"] for c in data["cases"]) == sorted(c.ref for c in cases)
    case_models = {
        related.label(m)
        for m in related.owned_models()
        if m not in (Person, Case, IdentityDocument)
        and not m._meta.auto_created
        and related.label(m) not in SKIPPED_MODELS
        and not _person_level(m)
    }
    for case in data["cases"]:
        missing = case_models - set(case["records"])
        assert not missing, f"{case['ref']} lacks {sorted(missing)}"
        for rows in case["records"].values():
            assert rows
        assert case["case"]["opened_at"][:4].isdigit()  # ISO dates
    text = result.json_path.read_text(encoding="utf-8")
    # Every encrypted value of every part of every case is in the export, decrypted.
    assert text.count(MARKER) >= len(case_models)
    for name in data["schema"]:
        assert "fields" in data["schema"][name]
    assert data["schema"]["cases.person"]["fields"]["given_name"]["htcds"] == "prs_FirstName"


def test_export_leaves_out_blind_index_values(cast: Any, tmp_path: Path) -> None:
    (_person, _cases, _result), data = _export(cast, tmp_path)
    assert "number_index" not in data["identity_documents"][0]
    assert "cases.personnamekey" not in json.dumps(data["person_records"])


def test_export_writes_html_without_external_resources_and_files_decrypted(cast: Any, tmp_path: Path) -> None:
    (_person, _cases, result), data = _export(cast, tmp_path)
    html = result.html_path.read_text(encoding="utf-8")
    assert "Ivanova" in html
    assert "Юлия Иванова" in html
    assert not EXTERNAL.search(html)
    assert "<script" not in html.lower()
    assert stat.S_IMODE(result.directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(result.json_path.stat().st_mode) == 0o600
    assert data["files"], "the fixture has documents"
    for name in data["files"]:
        assert (result.directory / name).read_bytes() == FILE_CONTENT


def test_export_lists_disclosures_and_is_audited(cast: Any, tmp_path: Path) -> None:
    person, cases = full_person(cast, cases=1)
    audit_read(
        actor=cast.users["supervisor_a"],
        object_type="case",
        object_ref=cases[0].ref,
        organisation_id=cast.org_a.pk,
    )
    audit_record(
        actor=cast.users["supervisor_a"],
        action="document.download",
        object_type="document",
        object_ref="0b6c2f0e-1111-4b7e-9c1e-000000000001",
        organisation_id=cast.org_a.pk,
        details={"case": cases[0].ref},
    )
    result = person_export(by=cast.users["caseworker_a"], ref=cases[0].ref, out=tmp_path / "o")
    data = json.loads(result.json_path.read_text(encoding="utf-8"))
    seen = [(d["who"], d["action"]) for d in data["disclosures"]]
    assert ("supervisor_a@example.test", "case.view") in seen
    assert ("supervisor_a@example.test", "document.download") in seen
    assert ("caseworker_a@example.test", "case.open") in seen
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.object_ref == str(person.pk)
    assert entry.details["cases"] == [cases[0].ref]
    assert "Ivanova" not in json.dumps(entry.details)


def test_export_for_a_case_worker_holds_only_the_cases_they_may_see(cast: Any, tmp_path: Path) -> None:
    person, cases = full_person(cast, cases=1)
    hidden = make_case(cast, "b", person=person)
    result = person_export(by=cast.users["caseworker_a"], ref=cases[0].ref, out=tmp_path / "o")
    data = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert [c["ref"] for c in data["cases"]] == [cases[0].ref]
    assert data["cases_not_included"] == 1
    assert hidden.ref not in result.json_path.read_text(encoding="utf-8")


def test_system_admin_must_give_a_reason_and_then_gets_every_case(cast: Any, tmp_path: Path) -> None:
    person, cases = full_person(cast, cases=1)
    other = make_case(cast, "b", person=person)
    with pytest.raises(ExportRefused):
        person_export(by=cast.users["sysadmin"], ref=cases[0].ref, out=tmp_path / "a")
    result = person_export(by=cast.users["sysadmin"], ref=cases[0].ref, reason="DPO 7", out=tmp_path / "b")
    assert sorted(result.case_refs) == sorted([cases[0].ref, other.ref])
    assert AuditEntry.objects.get(action="person.export").reason == "DPO 7"


@pytest.mark.parametrize("persona", ["caseworker_b", "orgadmin_a", "analyst_a", "coordinator_a", "outsider"])
def test_export_is_refused_to_users_who_cannot_see_the_case(cast: Any, tmp_path: Path, persona: str) -> None:
    _person, cases = full_person(cast, cases=1)
    with pytest.raises(CommandError, match="No case with this reference"):
        call_command(
            "person", "export", cases[0].ref, "--by", f"{persona}@example.test", "--out", str(tmp_path / "x")
        )
    assert not (tmp_path / "x").exists()
    assert not AuditEntry.objects.filter(action="person.export").exists()


def test_cli_refusal_exits_non_zero(cast: Any, tmp_path: Path, capsys: Any) -> None:
    _person, cases = full_person(cast, cases=1)
    argv = ["strom", "person", "export", cases[0].ref, "--by", "caseworker_b@example.test"]
    with pytest.raises(SystemExit) as exc:
        ManagementUtility([*argv, "--out", str(tmp_path / "x")]).execute()
    assert exc.value.code != 0
    assert "No case with this reference" in capsys.readouterr().err


def test_cli_export_writes_to_the_directory_and_prints_no_names(
    cast: Any, tmp_path: Path, capsys: Any
) -> None:
    _person, cases = full_person(cast, cases=1)
    out = tmp_path / "cli"
    call_command("person", "export", cases[0].ref, "--by", "caseworker_a@example.test", "--out", str(out))
    assert (out / "export.json").exists()
    assert (out / "export.html").exists()
    printed = capsys.readouterr().out
    assert str(out) in printed
    assert "Ivanova" not in printed


def test_default_directory_is_under_var_exports(cast: Any, tmp_path: Path, settings: Any) -> None:
    settings.VAR_DIR = tmp_path
    _person, cases = full_person(cast, cases=1)
    result = person_export(by=cast.users["caseworker_a"], ref=cases[0].ref)
    assert result.directory.parent == tmp_path / "exports"
    assert result.directory.name.startswith(cases[0].ref + "-")

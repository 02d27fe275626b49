"""Documents: encrypted at rest, type from content, size limit, nothing kept on refusal, download
only through the access check, every download audited, re-encryption, files go with their rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from strom.audit.models import AuditEntry
from strom.casefile import files, services
from strom.casefile.models import CaseDocument
from strom.casefile.tests.conftest import stored_files
from strom.cases.models import Case
from strom.cases.tests.factories import make_case
from tests.personas import Cast

pytestmark = pytest.mark.django_db

SECRET = "Synthetic passport scan of Jūlija Ivanova, FX 123456"
PDF = b"%PDF-1.4\n% " + SECRET.encode() + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


def upload(
    cast: Cast, case: Case, name: str = "passport.pdf", data: bytes = PDF, **extra: Any
) -> CaseDocument:
    return services.document_upload(
        by=cast.users["caseworker_a"],
        case=case,
        file=SimpleUploadedFile(name, data),
        title=extra.get("title", "Passport copy"),
        kind=extra.get("kind", "identity"),
    )


def post_upload(client: Client, case: Case, name: str, data: bytes, **fields: Any) -> Any:
    payload = {"title": "Passport copy", "kind": "identity", "file": SimpleUploadedFile(name, data), **fields}
    return client.post(reverse("casefile:document_upload", kwargs={"ref": case.ref}), payload)


def download_url(document: CaseDocument, ref: str | None = None) -> str:
    return reverse(
        "casefile:document_download", kwargs={"ref": ref or document.case.ref, "document_uuid": document.uuid}
    )


def test_file_on_disk_holds_no_plaintext_and_no_original_name(cast: Cast, media: Path) -> None:
    document = upload(cast, make_case(cast))
    [path] = stored_files(media)
    raw = path.read_bytes()
    assert SECRET.encode() not in raw
    assert b"%PDF" not in raw
    assert "passport" not in path.name
    assert path.name == document.storage_name.rsplit("/", 1)[-1]
    assert document.content_type == "application/pdf"
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()


def test_title_name_and_data_key_are_encrypted_in_the_database(cast: Cast) -> None:
    from django.db import connection

    document = upload(cast, make_case(cast), title="Passport of Jūlija")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title, original_name, data_key FROM casefile_casedocument WHERE id = %s", [document.pk]
        )
        title, name, key = cursor.fetchone()
    assert title.startswith("v1$")
    assert "Jūlija" not in title
    assert name.startswith("v1$")
    assert "passport" not in name
    assert key.startswith("v1$")


def test_a_file_moved_onto_another_document_does_not_decrypt(cast: Cast) -> None:
    case = make_case(cast)
    first, second = upload(cast, case), upload(cast, case)
    blob = files.read_blob(first.storage_name)
    with pytest.raises(files.DocumentDecryptionError):
        files.unseal(blob, data_key=second.data_key, document_uuid=second.uuid)
    with pytest.raises(files.DocumentDecryptionError):
        files.unseal(blob, data_key=first.data_key, document_uuid=second.uuid)


def test_pdf_name_with_png_bytes_is_refused_and_nothing_is_kept(
    cast: Cast, as_persona: Any, media: Path
) -> None:
    case = make_case(cast)
    response = post_upload(as_persona("caseworker_a"), case, "passport.pdf", PNG)
    assert response.status_code == 200
    assert "This file says it is a PDF but its content is not a PDF." in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert stored_files(media) == []
    assert not AuditEntry.objects.filter(action="document.upload").exists()


def test_text_file_with_nul_is_refused(cast: Cast, as_persona: Any, media: Path) -> None:
    response = post_upload(as_persona("caseworker_a"), make_case(cast), "statement.txt", b"text\x00more")
    assert "This file says it is plain text but its content is not plain text." in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert stored_files(media) == []


@override_settings(STROM_UPLOAD_MAX_BYTES=1000)
def test_oversize_upload_is_refused_with_sizes_and_nothing_is_kept(
    cast: Cast, as_persona: Any, media: Path
) -> None:
    data = b"%PDF-1.4\n" + b"0" * 5000
    response = post_upload(as_persona("caseworker_a"), make_case(cast), "big.pdf", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "The file is 4.9\xa0KB; the limit is 1000\xa0bytes." in body
    assert not CaseDocument.objects.exists()
    assert stored_files(media) == []


@override_settings(STROM_UPLOAD_MAX_BYTES=1000)
def test_upload_handler_keeps_no_bytes_past_the_limit(cast: Cast, as_persona: Any) -> None:
    from strom.casefile.uploads import BoundedMemoryUploadHandler, OversizeUploadedFile

    handler = BoundedMemoryUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", 5000)
    for start in range(0, 5000, 500):
        handler.receive_data_chunk(b"x" * 500, start)
    result = handler.file_complete(5000)
    assert isinstance(result, OversizeUploadedFile)
    assert result.size == 5000
    assert result.read() == b""


def test_refused_when_the_database_write_fails_leaves_no_file(
    cast: Cast, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(**kwargs: Any) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_record", fail)
    with pytest.raises(RuntimeError):
        upload(cast, make_case(cast))
    assert not CaseDocument.objects.exists()
    assert stored_files(media) == []


def test_upload_form_has_labelled_file_input_with_allowed_types_and_limit(
    cast: Cast, as_persona: Any
) -> None:
    case = make_case(cast)
    body = (
        as_persona("caseworker_a").get(reverse("casefile:document_upload", kwargs={"ref": case.ref})).content
    )
    html = body.decode()
    assert '<label for="id_file">' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'aria-describedby="id_file_helptext"' in html
    assert "At most 10.0\xa0MB" in html
    assert ".pdf" in html


def test_download_returns_the_plaintext_as_a_safe_attachment(cast: Cast, as_persona: Any) -> None:
    document = upload(cast, make_case(cast))
    response = as_persona("supervisor_a").get(download_url(document))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["caseworker_b", "supervisor_b", "outsider", "hotline_a", "orgadmin_a"])
def test_download_is_not_found_for_anyone_outside_the_case(cast: Cast, as_persona: Any, persona: str) -> None:
    document = upload(cast, make_case(cast))
    assert as_persona(persona).get(download_url(document)).status_code == 404
    assert not AuditEntry.objects.filter(action="document.download").exists()


def test_anonymous_download_goes_to_login_and_api_answers_401(cast: Cast, as_persona: Any) -> None:
    document = upload(cast, make_case(cast))
    client = as_persona("anonymous")
    response = client.get(download_url(document))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    api = reverse(
        "api:casefile_document_download", kwargs={"ref": document.case.ref, "document_uuid": document.uuid}
    )
    assert client.get(api).status_code == 401


def test_document_of_another_case_is_not_found_through_a_visible_case(cast: Cast, as_persona: Any) -> None:
    mine = make_case(cast)
    other = services.document_upload(
        by=cast.users["caseworker_b"],
        case=make_case(cast, "b"),
        file=SimpleUploadedFile("x.pdf", PDF),
        title="B",
        kind="other",
    )
    assert as_persona("caseworker_a").get(download_url(other, ref=mine.ref)).status_code == 404


def test_every_download_is_audited_without_the_file_name(cast: Cast, as_persona: Any) -> None:
    document = upload(cast, make_case(cast))
    client = as_persona("caseworker_a")
    client.get(download_url(document))
    client.get(download_url(document))
    api = reverse(
        "api:casefile_document_download", kwargs={"ref": document.case.ref, "document_uuid": document.uuid}
    )
    assert client.get(api).content == PDF
    entries = AuditEntry.objects.filter(action="document.download", object_ref=str(document.uuid))
    assert entries.count() == 3
    for entry in entries:
        assert entry.actor_id == cast.users["caseworker_a"].pk
        assert "passport" not in str(entry.details)
        assert "Passport" not in str(entry.details)


def test_hotline_operator_who_owns_the_case_may_upload_and_download(cast: Cast, as_persona: Any) -> None:
    case = make_case(cast, org="hotline_lv")  # opened, and so held, by hotline_a
    client = as_persona("hotline_a")
    assert post_upload(client, case, "passport.pdf", PDF).status_code == 302
    document = CaseDocument.objects.get(case=case)
    assert client.get(download_url(document)).content == PDF


def test_api_upload_list_and_refusal(cast: Cast, as_persona: Any, media: Path) -> None:
    case = make_case(cast)
    client = as_persona("caseworker_a")
    url = reverse("api:casefile_document_upload", kwargs={"ref": case.ref})
    ok = client.post(
        url, {"title": "Letter", "kind": "correspondence", "file": SimpleUploadedFile("l.txt", b"Hello")}
    )
    assert ok.status_code == 201
    assert ok.json()["content_type"] == "text/plain; charset=utf-8"
    assert ok.json()["file_name"] == "l.txt"
    bad = client.post(url, {"title": "Scan", "kind": "identity", "file": SimpleUploadedFile("scan.pdf", PNG)})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {"pointer": "#/file", "detail": "This file says it is a PDF but its content is not a PDF."}
    ]
    listed = client.get(reverse("api:casefile_document_list", kwargs={"ref": case.ref}))
    assert [d["title"] for d in listed.json()] == ["Letter"]
    assert len(stored_files(media)) == 1
    assert (
        AuditEntry.objects.filter(
            action="case.view", object_ref=case.ref, details__section="documents"
        ).count()
        == 1
    )


def test_reencrypt_documents_rewrites_files_under_new_keys(cast: Cast, media: Path) -> None:
    document = upload(cast, make_case(cast))
    old_name, old_key = document.storage_name, document.data_key
    call_command("casefile", "reencrypt-documents")
    document.refresh_from_db()
    assert document.storage_name != old_name
    assert document.data_key != old_key
    assert [p.name for p in stored_files(media)] == [document.storage_name.rsplit("/", 1)[-1]]
    plaintext = files.unseal(
        files.read_blob(document.storage_name), data_key=document.data_key, document_uuid=document.uuid
    )
    assert plaintext == PDF
    assert AuditEntry.objects.filter(action="documents.reencrypt").exists()


def test_key_rotation_rewraps_document_keys_so_the_old_key_can_be_retired(
    cast: Cast, settings: Any, tmp_path: Path
) -> None:
    from django.db import connection

    from strom.crypto import rotation
    from strom.crypto.keys import key_ring, new_key_ring, reload_key_ring, with_new_key, write_key_file

    settings.STROM_FIELD_KEYS = ""
    settings.STROM_FIELD_KEYS_FILE_PATH = str(tmp_path / "keys.json")
    write_key_file(new_key_ring(), tmp_path / "keys.json")
    reload_key_ring()
    try:
        document = upload(cast, make_case(cast))
        old = key_ring().current
        ring = with_new_key(key_ring())
        write_key_file(ring, tmp_path / "keys.json")
        reload_key_ring()
        rotation.reencrypt(ring=ring)
        with connection.cursor() as cursor:
            cursor.execute("SELECT data_key FROM casefile_casedocument WHERE id = %s", [document.pk])
            (wrapped,) = cursor.fetchone()
        assert wrapped.startswith(f"v1${ring.current}$")
        assert ring.current != old
        document = CaseDocument.objects.get(pk=document.pk)
        blob = files.read_blob(document.storage_name)
        assert files.unseal(blob, data_key=document.data_key, document_uuid=document.uuid) == PDF
    finally:
        reload_key_ring()


def test_erasing_the_case_removes_the_file_after_commit(
    cast: Cast, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    document = upload(cast, make_case(cast))
    with django_capture_on_commit_callbacks(execute=True):
        Case.objects.filter(pk=document.case_id).delete()
    assert stored_files(media) == []


def test_orphan_files_are_found_and_deleted(cast: Cast, media: Path) -> None:
    name = files.write_blob(b"left over")
    assert services.orphan_files(older_than=dt.timedelta(0)) == [name]
    upload(cast, make_case(cast))
    call_command("casefile", "orphan-files", "--delete", "--older-than-hours", "0")
    assert len(stored_files(media)) == 1


def test_invalid_kind_and_missing_title_are_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        upload(cast, make_case(cast), title=" ", kind="weird")
    assert set(exc.value.message_dict) == {"title", "kind"}

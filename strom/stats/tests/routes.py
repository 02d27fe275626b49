"""Statistics: supervisors, national coordinators and analysts (Perm.STATS_VIEW) see disclosure-controlled
tables; coordinators and analysts (Perm.STATS_IMPORT) import datasets; the dashboard is for national
coordinators (Perm.NRM_OVERSEE); an import
job is seen by the user who uploaded it."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from strom.stats.models import ImportJob
from tests.authz import Route, expect
from tests.personas import Cast

STATS = ["supervisor_a", "supervisor_b", "coordinator_a", "coordinator_b", "analyst_a", "analyst_b"]
COORDINATORS = ["coordinator_a", "coordinator_b"]
IMPORTERS = [*COORDINATORS, "analyst_a", "analyst_b"]
TABLE = {"by1": "gender", "by2": "year"}


def _job(cast: Cast) -> dict[str, Any]:
    job = ImportJob.objects.create(
        dataset_name="routes", file_name="routes.csv", created_by=cast.users["analyst_a"]
    )
    return {"job_id": job.pk}


def _upload(cast: Cast) -> dict[str, Any]:
    return {
        "name": "uploaded",
        "file": SimpleUploadedFile("ctdc.csv", b"yearOfRegistration,gender\n2019,Female\n"),
    }


ROUTES = [
    Route("stats:index", data=lambda c: TABLE, expect=expect(STATS)),
    Route("stats:table_csv", data=lambda c: TABLE, expect=expect(STATS)),
    Route("stats:table_xlsx", data=lambda c: TABLE, expect=expect(STATS)),
    Route("stats:table_exchange", data=lambda c: TABLE, expect=expect(STATS)),
    Route("stats:report", data=lambda c: TABLE, expect=expect(STATS)),
    Route("stats:dashboard", expect=expect(COORDINATORS)),
    Route("stats:datasets", expect=expect(STATS)),
    Route("stats:import_upload", method="post", data=_upload, expect=expect(IMPORTERS, ok=302)),
    Route("stats:import_job", kwargs=_job, expect=expect(["analyst_a"])),
    Route("api:stats_table", data=lambda c: {"by": "gender,year"}, expect=expect(STATS, anonymous=401)),
    Route(
        "api:stats_table_exchange", data=lambda c: {"by": "gender,year"}, expect=expect(STATS, anonymous=401)
    ),
    Route("api:stats_dimensions", expect=expect(STATS, anonymous=401)),
    Route("api:stats_datasets", expect=expect(STATS, anonymous=401)),
]

"""Authorisation expectations for the operations routes (tests/test_authorisation.py).

/metrics is for a configured scraper, never for a person: the tests configure neither a token nor
networks, so it does not exist for anyone, logged in or not (404, never a login redirect).
strom/ops/tests/test_metrics.py tries it configured.
"""

from tests.authz import PERSONAS, Route

ROUTES = [
    Route("metrics", expect={p: 404 for p in PERSONAS}),
]

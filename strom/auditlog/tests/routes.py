from tests.authz import Route, expect

AUDITORS = ["orgadmin_a", "orgadmin_b", "sysadmin"]

ROUTES = [
    Route("audit:list", expect=expect(AUDITORS)),
    Route("api:audit_list", expect=expect(AUDITORS, anonymous=401)),
]

from tests.authz import Route, everyone_logged_in, public

ROUTES = [
    Route("healthz", expect=public()),
    Route(
        "set_language", method="post", data=lambda c: {"language": "lv", "next": "/"}, expect=public(ok=302)
    ),
    Route("core:dashboard", expect=everyone_logged_in()),
]

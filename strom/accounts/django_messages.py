"""Messages of Django's own that STROM shows and that Django's catalogue leaves untranslated in some of
the region's languages (the password rules' help texts in Lithuanian, since Django changed their
apostrophe). Marked here, they are in STROM's catalogues, which take precedence over Django's, so
every language has them; the text must stay exactly Django's for the lookup to find it."""

from __future__ import annotations

from django.utils.translation import gettext_noop

PASSWORD_RULES = (
    gettext_noop("Your password can’t be too similar to your other personal information."),  # noqa: RUF001 - Django's apostrophe
    gettext_noop("Your password can’t be a commonly used password."),  # noqa: RUF001 - Django's apostrophe
    gettext_noop("Your password can’t be entirely numeric."),  # noqa: RUF001 - Django's apostrophe
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
)

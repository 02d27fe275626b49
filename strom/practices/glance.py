"""The practices' line on the case page's overview: the published practices for the case's stage, one
click away (counted with the library's rule, as the section lists them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from strom.core.registry import CaseGlance, GlanceFact, register_case_glance
from strom.practices.selectors import stage_practice_count

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.cases.models import Case


@register_case_glance("practices", order=15)
def practices_glance(user: User, case: Case) -> CaseGlance:
    count = stage_practice_count(user, case)
    if not count:
        return CaseGlance(facts=[GlanceFact(_("Practices for this stage"), _("none published yet"))])
    value = ngettext("%(count)d published practice", "%(count)d published practices", count) % {
        "count": count
    }
    url = f"{reverse('practices:list')}?{urlencode({'stage': case.stage})}"
    return CaseGlance(facts=[GlanceFact(_("Practices for this stage"), value, url=url)])

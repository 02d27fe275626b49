"""Who may read, answer and run baseline assessments. Missing and forbidden both raise NotAllowed.

Decision (docs/assessments.md): questionnaires, rounds and the comparison of submitted answers are
read by every member (Perm.HUB_VIEW): an assessment describes institutions, and comparing them is
its purpose. A response that is not submitted is read only by its organisation's members who answer
assessments (Perm.ASSESSMENTS_ANSWER) and by those who run the round (Perm.ASSESSMENTS_MANAGE in the
round's organisation). Questionnaires are imported, rounds opened and responses returned and exported
by the members holding Perm.ASSESSMENTS_MANAGE in the organisation concerned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from strom.core.errors import NotAllowed
from strom.core.numbers import whole_number
from strom.core.roles import Perm

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.assessments.models import Questionnaire, Response, ResponseQuerySet, Round


def _logged_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_read(user: User) -> bool:
    return _logged_in(user) and user.has_any(Perm.HUB_VIEW)


def check_may_read(user: User) -> None:
    if not may_read(user):
        raise NotAllowed


def may_manage(user: User) -> bool:
    """May import questionnaires and open rounds for some organisation."""
    return _logged_in(user) and user.has_any(Perm.ASSESSMENTS_MANAGE)


def manage_org_ids(user: User) -> set[int]:
    return user.org_ids_with(Perm.ASSESSMENTS_MANAGE) if _logged_in(user) else set()


def answer_org_ids(user: User) -> set[int]:
    return user.org_ids_with(Perm.ASSESSMENTS_ANSWER) if _logged_in(user) else set()


def may_manage_for(user: User, organisation_id: int) -> bool:
    return _logged_in(user) and user.has_perm_in(Perm.ASSESSMENTS_MANAGE, organisation_id)


def check_may_manage_for(user: User, organisation_id: int) -> None:
    if not may_manage_for(user, organisation_id):
        raise NotAllowed


def may_run(user: User, round_: Round) -> bool:
    return may_manage_for(user, round_.organisation_id)


def may_answer(user: User, response: Response) -> bool:
    return _logged_in(user) and user.has_perm_in(Perm.ASSESSMENTS_ANSWER, response.organisation_id)


def responses_visible_to(user: User, qs: ResponseQuerySet) -> ResponseQuerySet:
    from strom.assessments.models import ResponseStatus

    if not may_read(user):
        return qs.none()
    if user.has_global(Perm.ASSESSMENTS_MANAGE):
        return qs
    return qs.filter(
        Q(status=ResponseStatus.SUBMITTED)
        | Q(organisation_id__in=answer_org_ids(user))
        | Q(round__organisation_id__in=manage_org_ids(user))
    )


def _pk(value: object) -> int:
    number = whole_number(str(value))
    if number is None:
        raise NotAllowed
    return number


def get_questionnaire_for(user: User, questionnaire_id: object) -> Questionnaire:
    from strom.assessments.models import Questionnaire

    found = Questionnaire.objects.visible_to(user).filter(pk=_pk(questionnaire_id)).first()
    if found is None:
        raise NotAllowed
    return found


def get_round_for(user: User, round_id: object, *, manage: bool = False) -> Round:
    from strom.assessments.models import Round

    found = (
        Round.objects.visible_to(user)
        .select_related("questionnaire", "organisation")
        .filter(pk=_pk(round_id))
        .first()
    )
    if found is None or (manage and not may_run(user, found)):
        raise NotAllowed
    return found


def get_response_for(
    user: User, response_id: object, *, answer: bool = False, manage: bool = False
) -> Response:
    """A response the user may see; `answer`: one they may answer; `manage`: one of a round they run."""
    from strom.assessments.models import Response

    found = (
        Response.objects.visible_to(user)
        .select_related("round", "round__questionnaire", "round__organisation", "organisation")
        .filter(pk=_pk(response_id))
        .first()
    )
    if (
        found is None
        or (answer and not may_answer(user, found))
        or (manage and not may_run(user, found.round))
    ):
        raise NotAllowed
    return found

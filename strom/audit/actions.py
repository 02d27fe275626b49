"""What each audited action is called in words, for the audit log's people (its page and filter).

Entries store a stable code ("case.view"); the label is looked up when shown, so it follows the
reader's language. A new action adds its label here; an action without one is shown as its code.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTIONS: dict[str, Promise] = {
    "actionplan.create": _("Created an action plan"),
    "actionplan.indicator_add": _("Added an indicator to an action plan"),
    "actionplan.indicators_refresh": _("Refreshed an action plan's indicators"),
    "actionplan.measure_create": _("Added a measure to an action plan"),
    "actionplan.measure_status": _("Changed a measure's status"),
    "actionplan.progress_report": _("Reported progress on an action plan"),
    "actionplan.reminders": _("Sent action plan reminders"),
    "actionplan.status": _("Changed an action plan's status"),
    "api_token.create": _("Created an API token"),
    "assessment.finding_record": _("Made an assessment finding a recommendation"),
    "assessment.questionnaire_import": _("Imported an assessment questionnaire"),
    "assessment.reminders": _("Sent assessment reminders"),
    "assessment.response_return": _("Returned an assessment response with comments"),
    "assessment.response_save": _("Saved an assessment response as a draft"),
    "assessment.response_submit": _("Submitted an assessment response"),
    "assessment.round_close": _("Closed an assessment round"),
    "assessment.round_open": _("Opened an assessment round"),
    "api_token.revoke": _("Revoked an API token"),
    "audit.browse": _("Looked at the audit log"),
    "audit.checkpoint": _("Wrote an audit checkpoint"),
    "audit.restore": _("Recorded a restore of the database"),
    "audit.signing_key.rotate": _("Replaced the audit signing key"),
    "case.anonymise": _("Anonymised a case"),
    "case.decision": _("Recorded a decision"),
    "case.decision_request": _("Asked for a decision"),
    "case.decision_request_answer": _("Answered a request for a decision"),
    "case.decision_request_decline": _("Declined a request for a decision"),
    "case.deadline_feed_create": _("Made a calendar link for deadlines"),
    "case.deadline_feed_revoke": _("Revoked a calendar link for deadlines"),
    "case.erase": _("Erased a case"),
    "case.legal_hold": _("Put a case on legal hold"),
    "case.legal_hold_release": _("Released a case from legal hold"),
    "case.open": _("Opened a case"),
    "case.permit_record": _("Recorded a residence permit"),
    "case.permit_renew": _("Renewed a residence permit"),
    "case.permit_update": _("Changed a residence permit"),
    "case.proceeding_record": _("Recorded a proceeding"),
    "case.proceeding_update": _("Changed a proceeding"),
    "case.reflection_extend": _("Extended the reflection period"),
    "case.return_plan": _("Recorded a return plan"),
    "case.stage_change": _("Moved a case to another stage"),
    "case.transfer_in": _("Received a case by transfer"),
    "case.transfer_out": _("Transferred a case"),
    "case.update": _("Changed a case"),
    "case.view": _("Viewed a case"),
    "case_filter.delete": _("Deleted a saved filter of the case list"),
    "case_filter.save": _("Saved a filter of the case list"),
    "consent.record": _("Recorded consent"),
    "consent.withdraw": _("Recorded a withdrawal of consent"),
    "country_profile.save": _("Saved a country profile"),
    "country_rules.publish": _("Published a country's rules"),
    "demo.actionplans": _("Loaded demo action plans"),
    "demo.cases": _("Loaded demo cases"),
    "demo.load": _("Loaded demo data"),
    "demo.referrals": _("Loaded demo referrals"),
    "document.download": _("Downloaded a document"),
    "document.upload": _("Uploaded a document"),
    "documents.orphans_delete": _("Deleted documents left without a record"),
    "documents.reencrypt": _("Re-encrypted documents"),
    "event.attendance": _("Recorded attendance at an event"),
    "event.calendar_link_create": _("Created a calendar link"),
    "event.calendar_link_revoke": _("Revoked a calendar link"),
    "event.cancel": _("Cancelled an event"),
    "event.certificates_issue": _("Issued certificates"),
    "event.create": _("Created an event"),
    "event.library_add": _("Added material to the library"),
    "event.library_attach": _("Attached library material to an event"),
    "event.library_delete": _("Deleted library material"),
    "event.library_detach": _("Detached library material from an event"),
    "event.material_add": _("Added material to an event"),
    "event.module_add": _("Added a training module"),
    "event.module_delete": _("Deleted a training module"),
    "event.programme_import": _("Imported an event's programme"),
    "event.programme_replace": _("Replaced an event's programme"),
    "event.publish": _("Published an event"),
    "event.record": _("Recorded a trafficking event"),
    "event.register": _("Registered for an event"),
    "event.registration_cancel": _("Cancelled a registration"),
    "event.registration_promote": _("Moved a registration off the waiting list"),
    "event.session_add": _("Added a session to an event"),
    "event.session_delete": _("Deleted a session"),
    "event.session_update": _("Changed a session"),
    "event.unpublish": _("Withdrew an event from publication"),
    "event.update": _("Changed an event"),
    "event_certificate.view": _("Viewed a certificate"),
    "event_registrations.view": _("Viewed an event's registrations"),
    "guideline.create": _("Created a guideline"),
    "guideline.draft_start": _("Started a new draft of a guideline"),
    "guideline.language_add": _("Added a language to a guideline"),
    "guideline.publish": _("Published a guideline"),
    "guideline.section_add": _("Added a section to a guideline"),
    "guideline.section_delete": _("Deleted a section of a guideline"),
    "guideline.section_move": _("Moved a section of a guideline"),
    "guideline.text_save": _("Saved a guideline's text"),
    "guideline.update": _("Changed a guideline"),
    "invitation.accept": _("Accepted an invitation"),
    "invitation.create": _("Invited someone"),
    "invitation.revoke": _("Revoked an invitation"),
    "invitation.view": _("Viewed an invitation"),
    "keys.reencrypt": _("Re-encrypted data with the current key"),
    "keys.reindex": _("Rebuilt the search indexes"),
    "keys.retire": _("Retired an encryption key"),
    "keys.rotate": _("Added a new encryption key"),
    "login.failure": _("Failed to sign in"),
    "login.ip_throttled": _("Was stopped after too many sign-in attempts from one address"),
    "login.locked_out": _("Was locked out after too many failed sign-ins"),
    "login.success": _("Signed in"),
    "logout": _("Signed out"),
    "membership.change_role": _("Changed someone's role"),
    "membership.create": _("Added someone to an organisation"),
    "membership.deactivate": _("Suspended a membership"),
    "membership.reactivate": _("Restored a membership"),
    "municipality.create": _("Added a municipality"),
    "network.capacity_update": _("Updated a service's free places"),
    "network.service_create": _("Added a service"),
    "network.service_update": _("Changed a service"),
    "note.add": _("Added a note"),
    "note.edit": _("Changed a note"),
    "ops.backup": _("Made a backup of the database and files"),
    "ops.restore": _("Restored the database and files from a backup"),
    "organisation.create": _("Added an organisation"),
    "organisation.update": _("Changed an organisation"),
    "password.change": _("Changed their password"),
    "password.reset": _("Reset their password"),
    "password.reset_requested": _("Asked to reset a password"),
    "pathway.create": _("Created a pathway"),
    "pathway.update": _("Changed a pathway"),
    "perpetrator.add": _("Added a perpetrator"),
    "perpetrator.update": _("Changed a perpetrator"),
    "person.create": _("Recorded a person"),
    "person.document_add": _("Added a person's identity document"),
    "person.erase": _("Erased a person"),
    "person.export": _("Exported a person's data"),
    "person.update": _("Changed a person's details"),
    "person.view": _("Viewed a person's details"),
    "practice.attachment_add": _("Added an attachment to a practice"),
    "practice.attachment_remove": _("Removed an attachment from a practice"),
    "practice.comment": _("Commented on a practice"),
    "practice.create": _("Created a practice"),
    "practice.publish": _("Published a practice"),
    "practice.rating_remove": _("Removed a practice's rating"),
    "practice.return": _("Returned a practice to its authors"),
    "practice.revise": _("Started a revision of a practice"),
    "practice.start_review": _("Started reviewing a practice"),
    "practice.submit": _("Submitted a practice for review"),
    "practice.update": _("Changed a practice"),
    "practice.withdraw": _("Withdrew a practice"),
    "practice_contacts.view": _("Viewed a practice's contacts"),
    "recommendation.create": _("Added a recommendation"),
    "referral.accept": _("Accepted a referral"),
    "referral.complete": _("Completed a referral"),
    "referral.create": _("Drafted a referral"),
    "referral.decline": _("Declined a referral"),
    "referral.discard": _("Discarded a draft referral"),
    "referral.document_download": _("Downloaded a referral's document"),
    "referral.expire": _("Let a referral expire"),
    "referral.override": _("Sent a referral without consent, with a reason"),
    "referral.respond": _("Answered a referral"),
    "referral.send": _("Sent a referral"),
    "referral.start": _("Started work on a referral"),
    "referral.update": _("Changed a referral"),
    "referral.view": _("Viewed a referral"),
    "referral.withdraw": _("Withdrew a referral"),
    "screening.convert": _("Opened a case from a screening"),
    "screening.create": _("Recorded a screening"),
    "screening.indicator_set_publish": _("Published a set of indicators"),
    "screening.recheck": _("Re-checked a screening"),
    "screening.recheck_done": _("Finished re-checking a screening"),
    "screening.recheck_run": _("Re-checked screenings against new indicators"),
    "screening.view": _("Viewed a screening"),
    "session.expired": _("Was signed out after a period without activity"),
    "stats.dataset.import": _("Imported a statistics dataset"),
    "stats.export": _("Exported statistics"),
    "stats.export_htcds": _("Exported data in HTCDS format"),
    "stats.import.queue": _("Queued a statistics import"),
    "stats.synthetic_release": _("Released synthetic data"),
    "stats.table": _("Made a statistics table"),
    "support.needs_assess": _("Assessed needs"),
    "support.not_needed": _("Recorded a service as not needed"),
    "support.not_needed_revoke": _('Withdrew a "not needed"'),
    "support.plan_review": _("Reviewed a support plan"),
    "support.plan_save": _("Saved a support plan"),
    "support.service_cancel": _("Cancelled a service"),
    "support.service_delivered_by_referral": _("Recorded a service delivered through a referral"),
    "support.service_plan": _("Planned a service"),
    "support.service_update": _("Changed a service in the plan"),
    "synth.generate": _("Generated synthetic cases"),
    "task.assign": _("Assigned a task"),
    "task.cancel": _("Cancelled a task"),
    "task.complete": _("Completed a task"),
    "task.create": _("Created a task"),
    "task.move": _("Moved a task"),
    "task.reopen": _("Reopened a task"),
    "transnational.accept": _("Accepted a referral from another country"),
    "transnational.decline": _("Declined a referral from another country"),
    "transnational.delivered": _("Delivered a referral to another country"),
    "transnational.keys_rotate": _("Replaced the keys for messages to other countries"),
    "transnational.message_refused": _("Refused a message from another country"),
    "transnational.partner_accepted": _("The other country accepted a referral"),
    "transnational.partner_add": _("Added a partner instance in another country"),
    "transnational.partner_completed": _("The other country completed a referral"),
    "transnational.partner_confirmed": _("A partner instance confirmed the partnership"),
    "transnational.partner_declined": _("The other country declined a referral"),
    "transnational.partner_keys": _("A partner instance replaced its keys"),
    "transnational.partner_resume": _("Resumed a partner instance"),
    "transnational.partner_suspend": _("Suspended a partner instance"),
    "transnational.partner_withdrawn": _("The other country withdrew a referral"),
    "transnational.receive": _("Received a referral from another country"),
    "transnational.return_plan_agree": _("Agreed to a cross-border return plan"),
    "transnational.return_plan_agreed": _("The other country agreed to a return plan"),
    "transnational.return_plan_propose": _("Proposed a cross-border return plan"),
    "transnational.return_plan_received": _("Received a return plan proposal from another country"),
    "transnational.send": _("Sent a referral to another country"),
    "transnational_referral.view": _("Viewed a referral to or from another country"),
    "two_factor.enrolled": _("Set up two-factor sign-in"),
    "two_factor.enrolment_started": _("Started setting up two-factor sign-in"),
    "two_factor.failure": _("Gave a wrong two-factor code"),
    "two_factor.recovery_codes_regenerated": _("Made new recovery codes"),
    "two_factor.reset": _("Reset someone's two-factor sign-in"),
    "two_factor.success": _("Confirmed sign-in with a second factor"),
    "two_factor.throttled": _("Was stopped after too many two-factor codes"),
    "user.create": _("Added a user"),
    "user.deactivate": _("Suspended a user"),
    "user.reactivate": _("Restored a user"),
    "user.set_language": _("Changed their language"),
    "user.unlock": _("Unlocked a user"),
    "user.update_profile": _("Changed a user's profile"),
    "user.view": _("Viewed a user"),
}

# The kinds of object an entry names, as its object column shows them.
OBJECT_TYPES: dict[str, Promise] = {
    "case": pgettext_lazy("audited object", "case"),
    "case_filter": pgettext_lazy("audited object", "saved filter"),
    "person": pgettext_lazy("audited object", "person"),
    "referral": pgettext_lazy("audited object", "referral"),
    "screening": pgettext_lazy("audited object", "screening"),
    "task": pgettext_lazy("audited object", "task"),
    "user": pgettext_lazy("audited object", "user"),
    "organisation": pgettext_lazy("audited object", "organisation"),
    "invitation": pgettext_lazy("audited object", "invitation"),
    "membership": pgettext_lazy("audited object", "membership"),
    "document": pgettext_lazy("audited object", "document"),
    "note": pgettext_lazy("audited object", "note"),
    "event": pgettext_lazy("audited object", "event"),
    "practice": pgettext_lazy("audited object", "practice"),
    "guideline": pgettext_lazy("audited object", "guideline"),
    "consent": pgettext_lazy("audited object", "consent"),
    "action_plan": pgettext_lazy("audited object", "action plan"),
    "api_token": pgettext_lazy("audited object", "API token"),
    "assessment_questionnaire": pgettext_lazy("audited object", "assessment questionnaire"),
    "assessment_round": pgettext_lazy("audited object", "assessment round"),
    "assessment_response": pgettext_lazy("audited object", "assessment response"),
    "key": pgettext_lazy("audited object", "encryption key"),
    "municipality": pgettext_lazy("audited object", "municipality"),
    "network_service": pgettext_lazy("audited object", "service"),
    "pathway": pgettext_lazy("audited object", "pathway"),
    "recommendation": pgettext_lazy("audited object", "recommendation"),
    "stats_table": pgettext_lazy("audited object", "statistics table"),
    "stats_dataset": pgettext_lazy("audited object", "statistics dataset"),
    "partner": pgettext_lazy("audited object", "partner instance"),
    "transnational_referral": pgettext_lazy("audited object", "transnational referral"),
    "instance_keys": pgettext_lazy("audited object", "instance keys"),
}

# Where a request came from (strom.core.middleware, the command line, the background worker).
CHANNELS: dict[str, Promise] = {
    "web": pgettext_lazy("where an audited request came from", "web"),
    "api": pgettext_lazy("where an audited request came from", "API"),
    "cli": pgettext_lazy("where an audited request came from", "command line"),
    "worker": pgettext_lazy("where an audited request came from", "background job"),
}


def action_label(code: str) -> str:
    """The action in the reader's language; a code without a label (a retired action) as stored."""
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def object_type_label(code: str) -> str:
    label = OBJECT_TYPES.get(code)
    return str(label) if label is not None else code


def channel_label(code: str) -> str:
    label = CHANNELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """Every known action as (code, label), in the reader's alphabetical order of labels."""
    return sorted(((code, str(label)) for code, label in ACTIONS.items()), key=lambda c: c[1].casefold())


def object_type_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in OBJECT_TYPES.items()), key=lambda c: c[1].casefold())


# The model whose field names an entry's details list ("fields"), by the entry's object type. Named by
# label, not imported: the audit log sits below the apps whose changes it records.
FIELD_MODELS: dict[str, str] = {
    "case": "cases.Case",
    "person": "cases.Person",
    "user": "accounts.User",
    "organisation": "directory.Organisation",
    "membership": "accounts.Membership",
    "referral": "referrals.Referral",
}


def field_labels(object_type: str, names: list[str]) -> list[str]:
    """The changed fields an entry lists, by their labels; a name without a label as stored."""
    label = FIELD_MODELS.get(object_type)
    if label is None:
        return list(names)
    model = apps.get_model(label)
    shown = []
    for name in names:
        try:
            shown.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            shown.append(name)
    return shown

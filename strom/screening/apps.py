from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "strom.screening"
    label = "screening"

    def ready(self) -> None:
        from strom.cases.clocks import NOTIFICATION_MESSAGES, TASK_TITLES
        from strom.screening import selectors, timeline  # noqa: F401  register the case page's section and source
        from strom.screening.recheck import NOTIFICATION_MESSAGES as RECHECK_MESSAGES
        from strom.screening.recheck import RECHECK_TASK, RECHECK_TASK_TITLE

        # The case task list and the inbox show titles and messages by key; ours are registered here.
        TASK_TITLES[RECHECK_TASK] = RECHECK_TASK_TITLE
        NOTIFICATION_MESSAGES.update(RECHECK_MESSAGES)

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "strom.cases"
    label = "cases"

    def ready(self) -> None:
        # Timeline sources register themselves on import.
        from strom.cases import casework_timeline  # noqa: F401
        from strom.cases.selectors import my_cases_panel
        from strom.core.registry import DashboardPanel, register_dashboard_panel

        register_dashboard_panel(
            DashboardPanel(
                name="my_cases", order=10, template="cases/_dashboard_panel.html", context=my_cases_panel
            )
        )

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "strom.assessments"
    label = "assessments"
    verbose_name = "Assessments"

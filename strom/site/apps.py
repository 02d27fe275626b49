from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The composition layer: the root URLconf, the API root, the error pages and the home dashboard.

    It sits above every other app and is the only place that knows them all; the apps below contribute
    through the registries in strom/core/registry.py instead of being imported by the foundation.
    """

    name = "strom.site"
    label = "strom_site"

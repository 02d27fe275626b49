import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")
application = get_wsgi_application()
# A gunicorn worker loads this module before it takes a connection. Importing the URLconf here (every
# view and the API) puts that second into the worker's start, which a worker still starting leaves to
# the others, instead of into the first request it answers after a start or a reload.
get_resolver().url_patterns  # noqa: B018 - the attribute is read for its import

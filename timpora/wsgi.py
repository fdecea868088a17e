"""WSGI entry point (gunicorn ``timpora.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")
application = get_wsgi_application()

"""The portal's WSGI application as ``load.py`` serves it: production settings (``DEBUG`` off),
except that cookies are not marked Secure and HTTP is not redirected to HTTPS, because the load
generator talks plain HTTP on loopback (in production TLS ends at the proxy in front)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timpora.settings")

from django.conf import settings  # noqa: E402

settings.SESSION_COOKIE_SECURE = False
settings.CSRF_COOKIE_SECURE = False
settings.LANGUAGE_COOKIE_SECURE = False
settings.SECURE_SSL_REDIRECT = False

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

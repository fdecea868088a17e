"""``/healthz``: is the database and the Redis broker reachable? 200 when both are, else 503.

Answers without a session or login so that container probes and load balancers can call it; it
reveals nothing but reachability.
"""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _redis_ok() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        return bool(client.ping())
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **{k: "ok" if v else "down" for k, v in checks.items()},
        },
        status=200 if healthy else 503,
    )


class HealthCheckMiddleware:
    """Answer ``GET /healthz`` before host validation and the HTTPS redirect.

    Container probes call ``http://localhost:8000/healthz``: plain HTTP, and a Host header that
    is not in ``ALLOWED_HOSTS``. Placed first in ``MIDDLEWARE``, this answers them without ever
    reading the Host header; every other request passes through untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)

"""Settings of the test suite: the development defaults and the second factor not enforced (the
tests of tests/accounts turn it back on). tests/conftest.py adds per-worker settings (cache key
prefix, media directory, a fast password hasher)."""

import os

# Tests run against the machine's servers (DATABASE_URL / REDIS_URL) as often as against the
# embedded ones: either way they use the development defaults, never production ones.
os.environ.setdefault("TIMPORA_DEVELOPMENT", "1")

from timpora.settings import *  # noqa: E402,F403

# force_login() gives no second factor: pages stay reachable in the other tests.
TWO_FACTOR_ENFORCED = False
# The authorization matrix and the fuzz test send thousands of API requests per account in a
# minute; the throttle tests set their own low rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"user_or_token": "100000/min", "lookup": "100000/min"},
}

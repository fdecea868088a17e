"""Password hashing: Argon2id with OWASP's recommended parameters.

Django's ``Argon2PasswordHasher`` uses 100 MiB of memory, 2 passes and 8 lanes: about 0.2 s of
CPU on both cores of the reference machine for every sign-in, and 100 MiB more in the web
worker while it runs. Fifty officers signing in at the start of a shift spent 10 s of CPU on
hashing alone, and each sign-in took seconds under load (docs/PERFORMANCE.md, load test).

The OWASP Password Storage Cheat Sheet's first configuration for Argon2id — 19 MiB, 2 passes,
1 lane — gives the same protection it documents for its other configurations, at 22 ms of one
core. Sign-in stays rate-limited and locked out after repeated failures (django-axes), and
supervisors add a second factor. Hashes made with other parameters (Django's, earlier) still
verify and are re-hashed with these at the next sign-in (``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP Password Storage Cheat Sheet)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

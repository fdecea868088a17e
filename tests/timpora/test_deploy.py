"""The production deployment as files: docker-compose.yml, Dockerfile, .env.example, and Django's
own deployment checklist (``check --deploy``) under production-like variables.

No Docker engine runs in CI, so these parse the files rather than starting containers.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line.startswith("# ") and "=" in line and line[2:3].isupper():
            line = line[2:]  # an optional variable shown commented out with its default
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def _command(service) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_runs_postgres_16_redis_7_and_the_four_app_services(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", *APP_SERVICES}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1, "web, worker, beat and migrate must run the same image"
    assert all("build" in services[name] for name in APP_SERVICES)


def test_compose_commands_start_gunicorn_celery_worker_beat_and_migrations(compose):
    services = compose["services"]
    assert _command(services["web"]).startswith("gunicorn timpora.wsgi:application")
    assert _command(services["worker"]).startswith("celery -A timpora worker")
    assert _command(services["beat"]).startswith("celery -A timpora beat")
    assert _command(services["migrate"]) == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_exactly_one_beat_runs(compose):
    beat = compose["services"]["beat"]
    assert beat["deploy"]["replicas"] == 1
    # Only beat keeps a schedule file, on its own volume.
    assert "--schedule=/app/var/beat/celerybeat-schedule" in _command(beat)
    assert "beat:/app/var/beat" in beat["volumes"]


def test_redis_persists_with_append_only_file_on_a_volume(compose):
    redis = compose["services"]["redis"]
    command = _command(redis)
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command
    assert "redisdata:/data" in redis["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert {"pgdata", "redisdata", "media", "beat"} <= set(compose["volumes"])


def test_every_long_running_service_has_a_healthcheck(compose):
    services = compose["services"]
    for name in ("db", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    web_probe = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in web_probe
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_app_services_are_configured_only_by_the_env_file_with_debug_forced_off(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        assert service["environment"] == {"DEBUG": "0"}


def test_env_example_documents_every_variable_the_settings_and_compose_read(compose):
    documented = _env_example()
    settings_source = (ROOT / "timpora" / "settings.py").read_text()
    read_by_settings = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source))
    # pytest only, and the development mode the embedded launcher and the tests set
    read_by_settings -= {"TEST_DATABASE_NAME", "TIMPORA_DEVELOPMENT"}
    compose_source = (ROOT / "docker-compose.yml").read_text()
    read_by_compose = set(re.findall(r"\$\{([A-Z_]+)", compose_source))
    missing = (read_by_settings | read_by_compose) - set(documented)
    assert not missing, f"not in .env.example: {sorted(missing)}"
    required = {
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "POSTGRES_PASSWORD",
    }
    assert required <= set(documented)
    assert documented["DEBUG"] == "0"
    assert documented["DATABASE_URL"].endswith("@db:5432/timpora")
    assert documented["REDIS_URL"].startswith("redis://redis:6379/")


def test_dockerfile_builds_a_non_root_gunicorn_image_with_collected_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.12-slim", dockerfile, re.M)
    assert re.search(r"^USER timpora$", dockerfile, re.M)
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r'^CMD \["gunicorn", "timpora\.wsgi:application"', dockerfile, re.M)
    # The user switch comes after everything that needs root.
    assert dockerfile.index("USER timpora") > dockerfile.index("collectstatic")
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "var/", ".git"} <= set(ignored)


def _production_env(**extra) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "AXES_", "TIMPORA_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="kA9#-" + "long-random-production-secret-" * 3,
        ALLOWED_HOSTS="timpora.example.go.id",
        CSRF_TRUSTED_ORIGINS="https://timpora.example.go.id",
        DATABASE_URL="postgres://timpora:secret@db.invalid:5432/timpora",
        REDIS_URL="redis://redis.invalid:6379/0",
        EMAIL_URL="smtp+tls://user:pass@mail.example.go.id:587",
        DJANGO_SETTINGS_MODULE="timpora.settings",
        # Any warning raised while loading our settings (deprecations included) is an error.
        PYTHONWARNINGS="error",
    )
    env.update(extra)
    return env


def _manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_variables_and_no_warning_at_all():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "Warning" not in result.stderr, result.stderr


def test_check_deploy_fails_when_debug_is_left_on():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env(DEBUG="1"))
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on in deployment


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check", env=_production_env(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"])
def test_settings_with_server_urls_refuse_to_start_without_each_required_variable(missing):
    # The URLs are set, so this is not the embedded development mode: nothing is defaulted.
    env = _production_env()
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_debug_left_unset_is_an_error_not_debug_on_with_a_development_key():
    env = _production_env()
    del env["DEBUG"], env["SECRET_KEY"]
    result = _manage("diffsettings", env=env)
    assert result.returncode != 0
    assert "embedded-development-only" not in result.stdout


def test_development_mode_keeps_its_defaults_without_the_variables():
    env = _production_env(TIMPORA_DEVELOPMENT="1")
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"):
        del env[name]
    result = _manage("diffsettings", env=env)
    assert result.returncode == 0, result.stderr
    assert "SECRET_KEY = 'embedded-development-only" in result.stdout
    assert "SESSION_COOKIE_SECURE = True" not in result.stdout  # plain HTTP on loopback
    # Debug pages stay off unless asked for: the demo shows the portal's own 404 and 500.
    assert "DEBUG = True" not in result.stdout
    debug = _manage("diffsettings", env={**env, "DEBUG": "1"})
    assert "DEBUG = True" in debug.stdout


def test_production_settings_turn_on_secure_cookies_hsts_csp_and_short_sessions():
    result = _manage("diffsettings", "--all", env=_production_env())
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in (
        "SESSION_COOKIE_SECURE = True",
        "CSRF_COOKIE_SECURE = True",
        "SESSION_COOKIE_HTTPONLY = True",
        "SECURE_HSTS_SECONDS = 31536000",
        "SECURE_SSL_REDIRECT = True",
        "SESSION_COOKIE_AGE = 1800",
        "SESSION_ABSOLUTE_SECONDS = 43200",
        "TWO_FACTOR_ENFORCED = True",
    ):
        assert line in out, line
    assert "Argon2idHasher" in out.split("PASSWORD_HASHERS = ")[1].split("\n")[0]
    csp = next(line for line in out.splitlines() if line.startswith("SECURE_CSP = "))
    assert "'script-src': [<CSP.SELF" in csp and "'style-src': [<CSP.SELF" in csp
    assert "unsafe-inline" not in csp

# Timpora production image: gunicorn serves the portal, the same image runs the Celery worker and
# beat (docker-compose.yml). Configuration comes only from environment variables (.env.example).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: compilemessages turns locale/*.po into the .mo files Django reads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid so volume ownership stays stable across rebuilds.
RUN groupadd --system --gid 10001 timpora \
    && useradd --system --uid 10001 --gid timpora --home-dir /app --shell /usr/sbin/nologin timpora

WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml changes. The production
# install leaves out the `embedded` and `dev` extras (embedded PostgreSQL/Redis, test tools).
COPY pyproject.toml README.md ./
RUN pip install .

COPY --chown=timpora:timpora . .

# Static files are collected (hashed and compressed for WhiteNoise) and messages compiled at
# build time, so containers start fast and read-only. Settings refuse to load without these
# variables when DEBUG is off; nothing connects to them here.
RUN DEBUG=0 SECRET_KEY=build-time-only DATABASE_URL=postgres://build@localhost/build \
        REDIS_URL=redis://localhost:6379/0 \
        sh -c 'python manage.py collectstatic --noinput \
               && if [ -d locale ]; then python manage.py compilemessages --ignore=.venv; fi' \
    && mkdir -p var/media var/beat \
    && chown -R timpora:timpora var

USER timpora

EXPOSE 8000

# Worker count: gunicorn reads WEB_CONCURRENCY (default 1; about 2 x cores + 1 is usual).
CMD ["gunicorn", "timpora.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--timeout", "60", \
     "--graceful-timeout", "30"]

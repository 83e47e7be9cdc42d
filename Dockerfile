# One image for web (gunicorn), Celery worker and Celery beat; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

# gettext: compilemessages turns locale/*.po into the .mo files Django reads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system rph \
    && useradd --system --gid rph --home-dir /app --no-create-home rph

WORKDIR /app

# Dependencies first, in their own layer, from the lock file (exact versions, hashes
# checked): code changes do not reinstall them.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt

COPY . .
# Placeholder settings for build-time commands only; the real ones come from the environment.
RUN pip install --no-deps . \
    && export DJANGO_DEBUG=false RPH_STATIC_MANIFEST=true ALLOWED_HOSTS=build.invalid \
        SECRET_KEY=build-time-only-never-used-to-serve-0123456789abcdefghijklmnopqrstuvwxyz \
    && python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages --ignore=static -v0 \
    && rm -rf var && mkdir var && chown rph:rph var

USER rph
EXPOSE 8000
CMD ["gunicorn", "rph.wsgi:application", "--bind", "0.0.0.0:8000"]

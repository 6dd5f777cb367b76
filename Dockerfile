# One image for web, worker and beat (docker-compose.yml).
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN python scripts/compile_translations.py \
    && SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-0123456789 \
       DJANGO_SETTINGS_MODULE=moskenes_social.settings.production \
       python manage.py collectstatic --no-input \
    && useradd --system --home /app app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
# granian served our pages faster than gunicorn with a better tail (README, "Benchmarks");
# one blocking thread per worker suits a synchronous Django app.
CMD ["granian", "--interface", "wsgi", "--host", "0.0.0.0", "--port", "8000", \
     "--workers", "2", "--blocking-threads", "1", "moskenes_social.wsgi:application"]

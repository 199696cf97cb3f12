# Selko in a container: the same image runs the web (default) and the worker
# (`docker run … selko worker`). Not built in this project's CI: its machines
# have no Docker engine. Configure with the variables in deploy/selko.env.example.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends libvoikko1 voikko-fi nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/selko
COPY pyproject.toml package.json package-lock.json README.md ./
COPY selko ./selko
COPY locales ./locales
COPY babel.cfg ./
RUN pip install --no-cache-dir -e . \
    && npm ci --no-audit --no-fund --omit=dev \
    && selko translate compile

RUN useradd --system --home /var/lib/selko --create-home selko
USER selko
ENV SELKO_INSTANCE_PATH=/var/lib/selko SELKO_BIND=0.0.0.0:8000
VOLUME /var/lib/selko
EXPOSE 8000
CMD ["sh", "-c", "selko migrate && exec selko serve"]

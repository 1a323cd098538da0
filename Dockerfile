# newsstream worker image: slim, pinned, non-root.
#   docker build -t newsstream:0.1.0 .
#   docker run --rm -e NEWSSTREAM_BROKER=kafka://kafka:9092 -p 6066:6066 newsstream:0.1.0
# The same image runs every CLI command: `docker run --rm newsstream:0.1.0 dlq inspect`.

ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

# --- build: install the package and its dependencies into a virtualenv ------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/newsstream
# Every dependency ships wheels for amd64 and arm64 (no compiler needed).
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/newsstream/bin/pip install .

# --- runtime -------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="newsstream" \
      org.opencontainers.image.description="Newsroom event-stream processor (Faust worker)" \
      org.opencontainers.image.licenses="Apache-2.0"

RUN groupadd --system --gid 10001 newsstream \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
      --home-dir /var/lib/newsstream --shell /usr/sbin/nologin newsstream \
 && mkdir -p /var/lib/newsstream \
 && chown 10001:10001 /var/lib/newsstream

COPY --from=build /opt/newsstream /opt/newsstream

ENV PATH=/opt/newsstream/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NEWSSTREAM_WEB_HOST=0.0.0.0 \
    NEWSSTREAM_WEB_PORT=6066 \
    NEWSSTREAM_DATA_DIR=/var/lib/newsstream \
    NEWSSTREAM_LOG_JSON=true

USER 10001:10001
WORKDIR /var/lib/newsstream
EXPOSE 6066

# Liveness of the HTTP server; slim has no curl, so ask Python.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NEWSSTREAM_WEB_PORT', '6066'), timeout=4)" || exit 1

# SIGTERM lets Faust leave the consumer group cleanly.
STOPSIGNAL SIGTERM
ENTRYPOINT ["newsstream"]
CMD ["worker"]

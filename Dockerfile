# claimwatch daemon image: slim Python, non-root, the store on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CLAIMWATCH_CONFIG=/app/config/claimwatch.toml

# LightGBM's wheel links against the OpenMP runtime, which the slim image lacks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin claimwatch
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
COPY config ./config
RUN python -m pip install --no-cache-dir . \
    && mkdir -p /app/storage && chown claimwatch:claimwatch /app/storage

USER claimwatch
VOLUME ["/app/storage"]
# Datasette, when started with `claimwatch serve --host 0.0.0.0`.
EXPOSE 8001
# Healthy while the daemon's scheduler ticks (it touches a heartbeat every cycle).
HEALTHCHECK --interval=60s --timeout=10s --start-period=120s --retries=3 \
    CMD ["claimwatch", "health", "--max-age", "300"]
# Exec form, no shell in between: `claimwatch` is PID 1 and gets `docker stop`'s SIGTERM
# itself. It catches it from its entry point's first statement (pipeline/entry.py) and exits 0;
# a stop may wait up to 10 s for a poll cycle to wind down, so give `docker stop` more than
# its default 10 s before SIGKILL (`docker run --stop-timeout 30`, compose
# `stop_grace_period: 30s`).
STOPSIGNAL SIGTERM
CMD ["claimwatch", "run"]

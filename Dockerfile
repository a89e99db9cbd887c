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
CMD ["claimwatch", "run"]

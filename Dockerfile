# One image for the five services; the command picks the service:
#   python -m qrstack_api | qrstack_redirect | qrstack_renderer | qrstack_analytics | qrstack_webhooks
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY libs libs
COPY services services
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
# The services run as uid/gid 10001 (deploy/k8s sets the same). Their writable paths exist in
# the image with that owner, so a fresh named volume (compose) or an fsGroup-owned emptyDir (k8s)
# mounted there is writable: the redirect's scan spool and chDB's data.
RUN groupadd --system --gid 10001 qrstack \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app qrstack
RUN install -d -o 10001 -g 10001 -m 0750 /app /data /data/spool /data/chdb
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER qrstack
WORKDIR /app
ENV PYTHONUNBUFFERED=1 LOG_FORMAT=json SCAN_SPOOL_DIR=/data/spool CHDB_PATH=/data/chdb
EXPOSE 8000 8001 8002 8003 8004
CMD ["python", "-m", "qrstack_api"]

# syntax=docker/dockerfile:1
# One image for every part of pagemesh: `pagemesh serve PART` (PART = aggregator or one of the six services).
#
#   docker build -t pagemesh .                      # from the public python:3.11-slim
#   docker run --rm -p 50051:50051 pagemesh product # every part listens on all interfaces in the image
#
# BASE may be any Debian-like image with python3 (3.11+) and its venv module; the test suite builds it
# from a local mmdebstrap root (scripts/k8s/image.sh) because no image registry is reachable there.
# Behind a TLS-intercepting proxy, give pip its CA bundle as a build secret (it never lands in a layer):
#   docker build --secret id=pip-ca,src=/etc/ssl/certs/ca-certificates.crt -t pagemesh .
ARG BASE=python:3.11-slim

# ---- build: the virtualenv, with pip, wheels and build tools that the final image does not carry ----
FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
RUN python3 -m venv /opt/pagemesh
# Dependencies first, from the pins alone, so a source change does not reinstall them.
# (pagemesh-client is not on PyPI: it is built below from sdk/python.)
COPY pyproject.toml constraints.txt ./
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
 && python3 -c 'import tomllib; print("\n".join(d for d in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"] if not d.startswith("pagemesh-client")))' >requirements.txt \
 && /opt/pagemesh/bin/pip install --quiet -c constraints.txt -r requirements.txt
# The Python SDK carries the modules generated from proto/ (its build generates them); the server imports
# them from it: one copy.
COPY proto ./proto
COPY sdk/python ./sdk/python
COPY README.md ./
COPY pagemesh ./pagemesh
COPY services ./services
COPY aggregator ./aggregator
COPY compat ./compat
COPY sdkgen ./sdkgen
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
 && /opt/pagemesh/bin/pip install --quiet --no-deps -c constraints.txt ./sdk/python . \
 && /opt/pagemesh/bin/pip uninstall --quiet --yes pip \
 && find /opt/pagemesh -name '*.pyi' -delete

# ---- final: the base, the virtualenv and an unprivileged numeric user; nothing else ----
FROM ${BASE}
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
LABEL org.opencontainers.image.title="pagemesh" \
      org.opencontainers.image.description="A contract-first gRPC service mesh: run one part with `pagemesh serve PART`." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/pagemesh/pagemesh" \
      org.opencontainers.image.documentation="https://github.com/pagemesh/pagemesh/blob/main/docs/kubernetes.md" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /opt/pagemesh /opt/pagemesh
# The data directory is the only place a part writes (SQLite files, the bus file); Kubernetes mounts an
# emptyDir there because the root filesystem is read-only.
RUN mkdir -p /var/lib/pagemesh && chown 10001:10001 /var/lib/pagemesh
# Inside a container every part listens on all interfaces (outside, 127.0.0.1 stays the default). The
# aggregator reaches the backends through PAGEMESH_<SERVICE>_ADDR, which a deployment sets to their names.
ENV PATH=/opt/pagemesh/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PAGEMESH_DATA_DIR=/var/lib/pagemesh \
    PAGEMESH_AGGREGATOR_ADDR=0.0.0.0:50050 \
    PAGEMESH_AGGREGATOR_HTTP_ADDR=0.0.0.0:8080 \
    PAGEMESH_PRODUCT_ADDR=0.0.0.0:50051 \
    PAGEMESH_RECOMMENDATIONS_ADDR=0.0.0.0:50052 \
    PAGEMESH_SPONSORED_ADDR=0.0.0.0:50053 \
    PAGEMESH_AUTHORS_ADDR=0.0.0.0:50054 \
    PAGEMESH_REVIEWS_ADDR=0.0.0.0:50055 \
    PAGEMESH_HISTORY_ADDR=0.0.0.0:50056
USER 10001:10001
WORKDIR /var/lib/pagemesh
# gRPC (aggregator 50050, services 50051-50056), the page over HTTP, and the admin ports (gRPC + 1000).
EXPOSE 50050-50056 8080 51050-51056
# pagemesh servers drain on SIGTERM: health goes NOT_SERVING, in-flight calls get PAGEMESH_GRACE_SECONDS.
STOPSIGNAL SIGTERM
ENTRYPOINT ["pagemesh", "serve"]
CMD ["aggregator"]

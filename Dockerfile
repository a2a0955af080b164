# Builds every Trellis service binary once (multi-stage), then ships them on a slim
# Debian with only the shared libraries they load.
#
#   docker build -t trellis:dev .
#   docker compose up        # uses this image for storage, router, c2s, bosh-gateway
#
# Without a registry (Podman on a machine that cannot pull, docs/compose.md), the
# same file builds from a local base and binaries built on the host:
#
#   podman build --build-arg RUNTIME_BASE=localhost/trellis-base:bookworm \
#                --build-arg BINARIES=localhost/trellis-binaries:dev -t trellis:dev .
#
# BINARIES names the stage or image whose /out/ holds the executables; the
# default, `build`, compiles them here. scripts/compose-smoke does the rest.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_BASE=debian:bookworm-slim
ARG BINARIES=build

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libhiredis-dev libxml2-dev libsqlite3-dev libssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Shared ./Shared
COPY Services ./Services
COPY Tools ./Tools
COPY bench ./bench
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
 && mkdir /out \
 && for p in trellis-storage trellis-router trellis-c2s trellis-bosh-gateway trellisctl; do \
      cp "$(swift build -c release --show-bin-path)/$p" /out/; done \
 && strip --strip-unneeded /out/*

FROM ${BINARIES} AS binaries

FROM ${RUNTIME_BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends libhiredis0.14 libxml2 libsqlite3-0 libssl3 curl ca-certificates \
      openssl libjs-strophe sqlite3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/trellis --create-home trellis
COPY --from=binaries /out/ /usr/local/bin/
# The demo web client the BOSH gateways serve (`root`), with Debian's strophe.js.
COPY web /usr/share/trellis/web
RUN cp /usr/share/javascript/strophe/strophe.js /usr/share/trellis/web/
USER trellis
WORKDIR /var/lib/trellis
EXPOSE 5222 5223 5280 9100
CMD ["trellis-router"]

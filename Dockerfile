# Builds every Trellis service binary once (multi-stage), then ships them on a slim
# Debian with only the shared libraries they load.
#
#   docker build -t trellis:dev .
#   docker compose up        # uses this image for storage, router, c2s, bosh-gateway

FROM swift:6.3-bookworm AS build
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
 && for p in trellis-storage trellis-router trellis-c2s trellis-bosh-gateway; do \
      cp "$(swift build -c release --show-bin-path)/$p" /out/; done

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libhiredis0.14 libxml2 libsqlite3-0 libssl3 curl ca-certificates \
      openssl libjs-strophe sqlite3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/trellis --create-home trellis
COPY --from=build /out/ /usr/local/bin/
# The demo web client the BOSH gateways serve (`root`), with Debian's strophe.js.
COPY web /usr/share/trellis/web
RUN cp /usr/share/javascript/strophe/strophe.js /usr/share/trellis/web/
USER trellis
WORKDIR /var/lib/trellis
EXPOSE 5222 5223 5280 9100
CMD ["trellis-router"]

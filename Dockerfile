# fleetpoll images, built from this repository:
#   docker build -t fleetpoll:0.1.0 .                         # static binary on scratch (default)
#   docker build --target openssh -t fleetpoll:0.1.0-openssh . # + OpenSSH client (transport: openssh)
# Both run as uid/gid 65532 (fleetpoll), HOME /home/fleetpoll, entrypoint fleetpoll.

# Build: a static x86_64 musl binary (the same steps as the README's "Static binary").
FROM rust:1.89-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
RUN cargo build --release --locked --target x86_64-unknown-linux-musl --bin fleetpoll \
 && cp target/x86_64-unknown-linux-musl/release/fleetpoll /fleetpoll \
 && /fleetpoll --version
# The runtime's only account: scratch has no useradd.
RUN mkdir -p /rootfs/etc /rootfs/home/fleetpoll /rootfs/tmp \
 && echo 'fleetpoll:x:65532:65532:fleetpoll:/home/fleetpoll:/sbin/nologin' > /rootfs/etc/passwd \
 && echo 'fleetpoll:x:65532:' > /rootfs/etc/group \
 && chown 65532:65532 /rootfs/home/fleetpoll \
 && chmod 1777 /rootfs/tmp

# Variant for `transport: openssh` devices (~/.ssh/config, ProxyJump, Kerberos): the system
# OpenSSH client beside the same binary.
FROM debian:bookworm-slim AS openssh
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 fleetpoll \
 && useradd --uid 65532 --gid 65532 --create-home --home-dir /home/fleetpoll --shell /usr/sbin/nologin fleetpoll
COPY --from=build /fleetpoll /usr/local/bin/fleetpoll
USER 65532:65532
ENV HOME=/home/fleetpoll
WORKDIR /home/fleetpoll
ENTRYPOINT ["/usr/local/bin/fleetpoll"]
CMD ["--help"]

# Default: nothing but the binary, a CA bundle, /etc/passwd and a home (last stage = default).
FROM scratch AS static
COPY --from=build /rootfs/ /
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /fleetpoll /usr/local/bin/fleetpoll
USER 65532:65532
ENV HOME=/home/fleetpoll
WORKDIR /home/fleetpoll
ENTRYPOINT ["/usr/local/bin/fleetpoll"]
CMD ["--help"]

# The seed capability (generated-example) as a container image.
#
#   docker build -t generated-example .
#   docker run --rm -p 8080:8080 -p 9090:9090 -e INNGEST_API_KEY=… generated-example
#   docker run --rm -p 8080:8080 -p 9090:9090 generated-example --demo   # no key, no network
#
# Kubernetes manifests that run it: deploy/.

# Build: the toolchain the workspace requires (rust-version in Cargo.toml), Debian bookworm to
# match the runtime image's glibc.
FROM rust:1.90-bookworm AS build
WORKDIR /src
COPY . .
# --locked: exactly the versions of Cargo.lock.
RUN cargo build --release --locked -p generated-example \
    && install -D target/release/generated-example /out/generated-example

# Run: glibc and libgcc only (the program links no OpenSSL: TLS is rustls), as the image's
# unprivileged user.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/generated-example /usr/local/bin/generated-example
# Inside a container the adapters must listen on every interface, not the spec's 127.0.0.1.
ENV INNGEST_RUNS_REST_ADDR=0.0.0.0:8080 \
    INNGEST_RUNS_MCP_ADDR=0.0.0.0:9090
EXPOSE 8080 9090
USER nonroot
ENTRYPOINT ["/usr/local/bin/generated-example"]

# syntax=docker/dockerfile:1
# Build a static altinn-sim binary, then run it as a non-root user on a
# minimal image. It expects ALTINN_SIM_DATABASE_URL (see docker-compose.yml):
# the embedded-PostgreSQL default needs server binaries this image lacks.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/altinn-sim ./cmd/altinn-sim

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/altinn-sim /usr/local/bin/altinn-sim
USER nonroot:nonroot
ENV ALTINN_SIM_LISTEN=0.0.0.0:8080 \
    ALTINN_SIM_DATA_DIR=/tmp/altinn-sim
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --retries=12 CMD ["/usr/local/bin/altinn-sim", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/altinn-sim"]
CMD ["serve"]

FROM golang:1.19-bookworm AS builder
LABEL org.opencontainers.image.title="greeter" org.opencontainers.image.source="https://example.com/greeter"
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin greeter
WORKDIR /app
COPY go.mod ./
RUN go mod download
COPY . .
RUN go build -o /app/greeter . \
 && go run ./cmd/genwords -o /app/data/words.txt
USER greeter
ENV GREETER_GREETING=hello
EXPOSE 8080
CMD ["/app/greeter"]

FROM debian:bookworm-slim AS runtime
LABEL org.opencontainers.image.title="greeter" org.opencontainers.image.source="https://example.com/greeter"
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin greeter
WORKDIR /app
COPY --from=builder /app/greeter /app/greeter
COPY --from=builder /app/data/words.txt /app/data/words.txt
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /usr/local/go/lib/time/zoneinfo.zip /usr/local/go/lib/time/zoneinfo.zip
USER greeter
ENV GREETER_GREETING=hello
EXPOSE 8080
CMD ["/app/greeter"]

FROM golang:1.19-bookworm AS builder
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN go build -o app .
EXPOSE 8080
CMD ["./app"]

FROM debian:bookworm-slim AS runtime
WORKDIR /src
COPY --from=builder /src/app /src/app
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /usr/local/go/lib/time/zoneinfo.zip /usr/local/go/lib/time/zoneinfo.zip
COPY --from=builder /src/config /src/config
COPY --from=builder /src/templates /src/templates
EXPOSE 8080
CMD ["./app"]

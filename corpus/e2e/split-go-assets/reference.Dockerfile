FROM golang:1.19-bookworm AS builder
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN go build -o app .

FROM debian:bookworm-slim AS runtime
WORKDIR /src
COPY --from=builder /src/app ./
COPY --from=builder /src/templates ./templates
COPY --from=builder /src/config ./config
EXPOSE 8080
CMD ["./app"]

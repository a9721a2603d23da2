FROM golang:1.22 AS builder
WORKDIR /go/src/app
COPY go.mod go.su[m] ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /go/bin/app ./cmd/app

FROM alpine:3.20 AS runtime
RUN apk add --no-cache ca-certificates tzdata
COPY --from=builder /go/bin/app /usr/local/bin/app
USER 65534
ENTRYPOINT ["/usr/local/bin/app"]

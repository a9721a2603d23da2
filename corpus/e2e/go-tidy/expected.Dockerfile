FROM localhost/golang:1.19
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN go mod tidy
RUN go build -o /usr/local/bin/app .
CMD ["app"]

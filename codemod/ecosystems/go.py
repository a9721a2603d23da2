"""Go modules."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="go",
    label="go",
    images=("golang", "go"),
    manifests=("go.mod", "go.sum"),
    install=patterns("go mod download", "go mod vendor", "go get"),
    build=patterns("go build", "go install", "goreleaser *"),
    test=patterns("go test", "go vet", "golangci-lint run"),
)

module example.com/go-build

go 1.19

module example.com/go-tidy

go 1.19

// Command get_page prints a product page's title and its degraded sections, through the pagemesh Go
// SDK (v2 API).
//
//	go run . ADDRESS PRODUCT_ID      e.g. go run . 127.0.0.1:50050 P00001
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	pagev2 "github.com/pagemesh/pagemesh/sdk/go/pagemesh/page/v2"
)

const deadline = 5 * time.Second

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: get_page ADDRESS PRODUCT_ID")
		os.Exit(2)
	}
	conn, err := grpc.NewClient(os.Args[1], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	page, err := pagev2.NewPageServiceClient(conn).GetProductPage(ctx, &pagev2.GetProductPageRequest{ProductId: os.Args[2]})
	if err != nil {
		s := status.Convert(err)
		fmt.Fprintf(os.Stderr, "error: %s: %s\n", s.Code(), s.Message())
		os.Exit(1)
	}
	degraded := []string{}
	for _, d := range page.GetDegradedSections() {
		degraded = append(degraded, d.GetSection().String())
	}
	if len(degraded) == 0 {
		degraded = append(degraded, "none")
	}
	fmt.Printf("title: %s\n", page.GetProduct().GetTitle())
	fmt.Printf("degraded: %s\n", strings.Join(degraded, ", "))
}

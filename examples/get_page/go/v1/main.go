// Command v1 prints a product page's title through the v1 API: old clients keep working against
// today's mesh. v1 pages have no per-section status (a failed section is simply empty).
//
//	go run ./v1 ADDRESS PRODUCT_ID
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	pagev1 "github.com/pagemesh/pagemesh/sdk/go/pagemesh/page/v1"
)

const deadline = 5 * time.Second

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: v1 ADDRESS PRODUCT_ID")
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
	page, err := pagev1.NewPageServiceClient(conn).GetProductPage(ctx, &pagev1.GetProductPageRequest{ProductId: os.Args[2]})
	if err != nil {
		s := status.Convert(err)
		fmt.Fprintf(os.Stderr, "error: %s: %s\n", s.Code(), s.Message())
		os.Exit(1)
	}
	fmt.Printf("title: %s\n", page.GetProduct().GetTitle())
	fmt.Println("degraded: not reported by v1 (failed sections are left empty)")
}

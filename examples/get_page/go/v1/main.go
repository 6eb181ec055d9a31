// Command v1 prints a product page's title through the v1 API: old clients keep working against
// today's mesh. v1 pages have no per-section status (a failed section is simply empty).
//
//	go run ./v1 ADDRESS PRODUCT_ID [PKI_DIR]
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc/status"

	pagemesh "github.com/pagemesh/pagemesh/sdk/go"
	pagev1 "github.com/pagemesh/pagemesh/sdk/go/pagemesh/page/v1"
)

const deadline = 5 * time.Second

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) != 2 && len(args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: v1 ADDRESS PRODUCT_ID [PKI_DIR]")
		return 2
	}
	security := pagemesh.WithPlaintext()
	if len(args) == 3 {
		pki := args[2]
		security = pagemesh.WithTLSFiles(
			filepath.Join(pki, "ca.pem"), filepath.Join(pki, "operator.pem"), filepath.Join(pki, "operator-key.pem"))
	}
	client, err := pagemesh.NewClient(args[0], security, pagemesh.WithDeadline(deadline))
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return 1
	}
	defer client.Close()

	page, err := client.V1.Page.GetProductPage(context.Background(), &pagev1.GetProductPageRequest{ProductId: args[1]})
	if err != nil {
		s := status.Convert(err)
		fmt.Fprintf(os.Stderr, "error: %s: %s\n", s.Code(), s.Message())
		return 1
	}
	fmt.Printf("title: %s\n", page.GetProduct().GetTitle())
	fmt.Println("degraded: not reported by v1 (failed sections are left empty)")
	return 0
}

// Command get_page prints a product page's title and its degraded sections, through the pagemesh Go
// SDK (v2 API).
//
//	go run . ADDRESS PRODUCT_ID [PKI_DIR]      e.g. go run . 127.0.0.1:50050 P00001 ../../../var/pki
//
// With PKI_DIR (what `pagemesh certs` wrote) it connects with mutual TLS as the `operator` identity;
// without, in plaintext (a mesh started with `pagemesh up --plaintext`).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc/status"

	pagemesh "github.com/pagemesh/pagemesh/sdk/go"
	pagev2 "github.com/pagemesh/pagemesh/sdk/go/pagemesh/page/v2"
)

const deadline = 5 * time.Second

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) != 2 && len(args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: get_page ADDRESS PRODUCT_ID [PKI_DIR]")
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

	page, err := client.V2.Page.GetProductPage(context.Background(), &pagev2.GetProductPageRequest{ProductId: args[1]})
	if err != nil {
		s := status.Convert(err)
		fmt.Fprintf(os.Stderr, "error: %s: %s\n", s.Code(), s.Message())
		return 1
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
	return 0
}

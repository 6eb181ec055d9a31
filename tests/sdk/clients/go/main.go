// Command check_client runs the Go typed client against a live mesh: what tests/sdk/sdk_e2e.py asserts,
// printed line by line (see tests/sdk/clients/python/check_client.py for the mesh it expects).
//
//	check_client PAGE_ADDRESS HISTORY_ADDRESS PKI_DIR PRODUCT_ID
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc/status"

	pagemesh "github.com/pagemesh/pagemesh/sdk/go"
	historyv2 "github.com/pagemesh/pagemesh/sdk/go/pagemesh/history/v2"
	pagev2 "github.com/pagemesh/pagemesh/sdk/go/pagemesh/page/v2"
)

const user = "u-sdk-go"

// patient is the deadline of the clients that must not time out, on a busy machine.
const patient = 10 * time.Second

func connect(target, pki string, opts ...pagemesh.Option) *pagemesh.Client {
	tls := pagemesh.WithTLSFiles(
		filepath.Join(pki, "ca.pem"), filepath.Join(pki, "operator.pem"), filepath.Join(pki, "operator-key.pem"))
	client, err := pagemesh.NewClient(target, append([]pagemesh.Option{tls}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	return client
}

func main() {
	pageAddress, historyAddress, pki, productID := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	ctx := context.Background()

	pages := connect(pageAddress, pki, pagemesh.WithDeadline(patient))
	defer pages.Close()
	page, err := pages.V2.Page.GetProductPage(ctx, &pagev2.GetProductPageRequest{ProductId: productID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("page: %s\n", page.GetProduct().GetTitle())
	_, err = pages.V2.Page.GetProductPage(ctx, &pagev2.GetProductPageRequest{ProductId: "P99999"})
	fmt.Printf("not found: %s\n", status.Code(err))

	history := connect(historyAddress, pki, pagemesh.WithDeadline(patient))
	defer history.Close()
	record := &historyv2.RecordViewRequest{UserId: user, ProductId: productID, Title: "seen"}
	_, err = history.V2.History.RecordView(ctx, record)
	fmt.Printf("write: %s\n", status.Code(err))
	if _, err = history.V2.History.RecordView(ctx, record); err != nil {
		log.Fatal(err)
	}
	fmt.Println("write again: OK")
	views, err := history.V2.History.ListViewedProducts(ctx, &historyv2.ListViewedProductsRequest{UserId: user})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read: OK %d\n", len(views.GetViews()))

	hurried := connect(historyAddress, pki, pagemesh.WithDeadline(100*time.Millisecond))
	defer hurried.Close()
	_, err = hurried.V2.History.ListViewedProducts(ctx, &historyv2.ListViewedProductsRequest{UserId: user})
	fmt.Printf("deadline: %s\n", status.Code(err))
}

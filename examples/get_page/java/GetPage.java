// Prints a product page's title and its degraded sections, through the pagemesh Java SDK (v2 API).
//
//   java -cp <pagemesh-client.jar and its dependencies> GetPage.java ADDRESS PRODUCT_ID [PKI_DIR]
//   e.g. ... GetPage.java 127.0.0.1:50050 P00001 var/pki
//
// With PKI_DIR (what `pagemesh certs` wrote) it connects with mutual TLS as the `operator` identity;
// without, in plaintext (a mesh started with `pagemesh up --plaintext`).
import com.pagemesh.client.PagemeshClient;
import com.pagemesh.page.v2.DegradedSection;
import com.pagemesh.page.v2.GetProductPageRequest;
import com.pagemesh.page.v2.GetProductPageResponse;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

public final class GetPage {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  public static void main(String[] args) {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: GetPage ADDRESS PRODUCT_ID [PKI_DIR]");
      System.exit(2);
    }
    PagemeshClient.Builder builder = PagemeshClient.newBuilder(args[0]).deadline(DEADLINE);
    if (args.length == 3) {
      Path pki = Path.of(args[2]);
      builder.tls(pki.resolve("ca.pem"), pki.resolve("operator.pem"), pki.resolve("operator-key.pem"));
    } else {
      builder.plaintext();
    }
    int exitCode = 0;
    try (PagemeshClient client = builder.build()) {
      GetProductPageResponse page =
          client.v2().page().getProductPage(GetProductPageRequest.newBuilder().setProductId(args[1]).build());
      List<String> degraded =
          page.getDegradedSectionsList().stream()
              .map(DegradedSection::getSection)
              .map(Enum::name)
              .collect(Collectors.toList());
      System.out.println("title: " + page.getProduct().getTitle());
      System.out.println("degraded: " + (degraded.isEmpty() ? "none" : String.join(", ", degraded)));
    } catch (StatusRuntimeException e) {
      System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      exitCode = 1;
    }
    System.exit(exitCode);
  }
}

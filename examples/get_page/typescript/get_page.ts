// Prints a product page's title and its degraded sections, through @pagemesh/client (v2 API).
//
//   npm run build && node dist/get_page.js ADDRESS PRODUCT_ID [PKI_DIR]
//   e.g. node dist/get_page.js 127.0.0.1:50050 P00001 ../../../var/pki
//
// With PKI_DIR (what `pagemesh certs` wrote) it connects with mutual TLS as the `operator` identity;
// without, in plaintext (a mesh started with `pagemesh up --plaintext`).
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { createPagemeshClient, pageV2, type TlsFiles } from "@pagemesh/client";

const DEADLINE_MS = 5000;

function tlsFiles(pki: string | undefined): TlsFiles | "plaintext" {
  if (pki === undefined) {
    return "plaintext";
  }
  return { ca: join(pki, "ca.pem"), certificate: join(pki, "operator.pem"), key: join(pki, "operator-key.pem") };
}

async function main(args: string[]): Promise<number> {
  if (args.length !== 2 && args.length !== 3) {
    console.error("usage: get_page ADDRESS PRODUCT_ID [PKI_DIR]");
    return 2;
  }
  const [target, productId, pki] = args;
  const client = createPagemeshClient({ target, tls: tlsFiles(pki), deadlineMs: DEADLINE_MS });
  try {
    const page = await client.v2.page.getProductPage({ productId });
    // The proto names (SECTION_AUTHORS, ...), as every other pagemesh SDK prints them.
    const degraded = page.degradedSections.map(
      (d) => pageV2.SectionSchema.values.find((v) => v.number === d.section)?.name ?? String(d.section),
    );
    console.log(`title: ${page.product?.title ?? ""}`);
    console.log(`degraded: ${degraded.length > 0 ? degraded.join(", ") : "none"}`);
    return 0;
  } catch (error) {
    const e = ConnectError.from(error);
    console.error(`error: ${Code[e.code]}: ${e.rawMessage}`);
    return 1;
  } finally {
    client.close();
  }
}

process.exitCode = await main(process.argv.slice(2));

// Prints a product page's title through the v1 API: old clients keep working against today's mesh.
// v1 pages have no per-section status (a failed section is simply empty).
//
//   npm run build && node dist/get_page_v1.js ADDRESS PRODUCT_ID [PKI_DIR]
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { createPagemeshClient, type TlsFiles } from "@pagemesh/client";

const DEADLINE_MS = 5000;

function tlsFiles(pki: string | undefined): TlsFiles | "plaintext" {
  if (pki === undefined) {
    return "plaintext";
  }
  return { ca: join(pki, "ca.pem"), certificate: join(pki, "operator.pem"), key: join(pki, "operator-key.pem") };
}

async function main(args: string[]): Promise<number> {
  if (args.length !== 2 && args.length !== 3) {
    console.error("usage: get_page_v1 ADDRESS PRODUCT_ID [PKI_DIR]");
    return 2;
  }
  const [target, productId, pki] = args;
  const client = createPagemeshClient({ target, tls: tlsFiles(pki), deadlineMs: DEADLINE_MS });
  try {
    const page = await client.v1.page.getProductPage({ productId });
    console.log(`title: ${page.product?.title ?? ""}`);
    console.log("degraded: not reported by v1 (failed sections are left empty)");
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

// The TypeScript typed client against a live mesh: what tests/sdk/sdk_e2e.py asserts, printed line by line
// (see tests/sdk/clients/python/check_client.py for the mesh it expects).
//
//   node check_client.js PAGE_ADDRESS HISTORY_ADDRESS PKI_DIR PRODUCT_ID
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { createPagemeshClient, type TlsFiles } from "@pagemesh/client";

const USER = "u-sdk-typescript";
const PATIENT_MS = 10_000; // the clients that must not time out, on a busy machine

function code(error: unknown): string {
  return Code[ConnectError.from(error).code];
}

async function main([pageAddress, historyAddress, pki, productId]: string[]): Promise<void> {
  const tls: TlsFiles = {
    ca: join(pki, "ca.pem"),
    certificate: join(pki, "operator.pem"),
    key: join(pki, "operator-key.pem"),
  };
  const pages = createPagemeshClient({ target: pageAddress, tls, deadlineMs: PATIENT_MS });
  try {
    console.log(`page: ${(await pages.v2.page.getProductPage({ productId })).product?.title}`);
    await pages.v2.page.getProductPage({ productId: "P99999" }).catch((e) => console.log(`not found: ${code(e)}`));
  } finally {
    pages.close();
  }
  const history = createPagemeshClient({ target: historyAddress, tls, deadlineMs: PATIENT_MS });
  try {
    const record = { userId: USER, productId, title: "seen" };
    await history.v2.history.recordView(record).catch((e) => console.log(`write: ${code(e)}`));
    await history.v2.history.recordView(record);
    console.log("write again: OK");
    const read = await history.v2.history.listViewedProducts({ userId: USER });
    console.log(`read: OK ${read.views.length}`);
  } finally {
    history.close();
  }
  const hurried = createPagemeshClient({ target: historyAddress, tls, deadlineMs: 100 });
  try {
    await hurried.v2.history
      .listViewedProducts({ userId: USER })
      .catch((e) => console.log(`deadline: ${code(e)}`));
  } finally {
    hurried.close();
  }
}

await main(process.argv.slice(2));

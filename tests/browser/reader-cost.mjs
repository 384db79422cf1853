// What a reader downloads for a first search: serves a built site, opens
// its search page in chromium, searches one word the way the theme does
// (the first 10 results shown, each with its excerpt), and sums the bytes
// of every search file fetched, by kind: as sent (text gzipped, as GitHub
// Pages does) and, in brackets, unpacked.
//
//   node tests/browser/reader-cost.mjs SITE_DIR [WORD ...]
//
// A benchmark, not a test: it prints figures and fails only if it cannot
// measure.

import { launch, searchIn, serve } from "./harness.mjs";

const [dir, ...words] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node reader-cost.mjs SITE_DIR [WORD ...]");
  process.exit(2);
}
const queries = words.length ? words : ["mistake"];

function kind(url) {
  const name = url.split("/").pop();
  if (name.endsWith(".js")) return "script";
  if (name.startsWith("wasm.")) return "wasm";
  if (name.endsWith("entry.json")) return "entry";
  if (name.endsWith(".pf_meta")) return "meta";
  if (name.endsWith(".pf_index")) return "index chunks";
  if (name.endsWith(".pf_filter")) return "filters";
  if (name.endsWith(".pf_fragment")) return "fragments";
  return "other";
}

const server = await serve(dir);
const browser = await launch();
try {
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sizes = {};
    const bodies = [];
    let measuring = false;
    page.on("response", (res) => {
      if (measuring && res.url().includes("/pagefind/")) {
        bodies.push(Promise.all([res.url(), res.request().sizes(), res.body()]));
      }
    });
    const found = (await searchIn(page, server.base, [q], 10, () => { measuring = true; }))[q].count;
    let unpacked = 0;
    for (const [url, sent, body] of await Promise.all(bodies)) {
      sizes[kind(url)] = (sizes[kind(url)] || 0) + sent.responseBodySize;
      unpacked += body.length;
    }
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    const parts = Object.entries(sizes)
      .sort()
      .map(([k, n]) => `${k} ${kb(n)}`)
      .join(", ");
    console.log(`"${q}": ${found} results; ${kb(total)} downloaded [${kb(unpacked)} unpacked] (${parts})`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}

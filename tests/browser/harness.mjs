// What every browser test needs: the example site built by the real binary,
// a plain static server that serves it under a sub-path (as GitHub Pages
// does for a project site), Debian's chromium, and a watch on each page for
// console errors and requests that leave the site.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// The example site's base-url is https://example.github.io/recovery/.
export const PREFIX = "/recovery/";

/**
 * Builds the example site with mendbook into a new folder and returns it.
 * With `settings` (lines for book.toml's `[build]` table) or `edit` (a
 * function given book.toml's text), a copy of the site so changed is built.
 */
export function buildSite(settings, edit = (toml) => toml) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mendbook-browser-site-"));
  let root = REPO;
  if (settings !== undefined) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "mendbook-browser-src-"));
    fs.cpSync(path.join(REPO, "content"), path.join(root, "content"), { recursive: true });
    const toml = fs.readFileSync(path.join(REPO, "book.toml"), "utf8");
    assert.ok(toml.includes("\n[build]\n"), "book.toml has a [build] table");
    fs.writeFileSync(path.join(root, "book.toml"), edit(toml.replace("\n[build]\n", `\n[build]\n${settings}\n`)));
  }
  return build(root, out, "the example site");
}

/** Builds the site at `root` into `out` with MENDBOOK_BIN (or cargo); returns `out`. */
function build(root, out, what) {
  const args = ["build", "--root", root, "--out", out, "--quiet"];
  const bin = process.env.MENDBOOK_BIN;
  const run = bin
    ? spawnSync(bin, args, { stdio: "inherit" })
    : spawnSync("cargo", ["run", "--quiet", "--release", "--", ...args], { cwd: REPO, stdio: "inherit" });
  if (run.status !== 0) {
    throw new Error(`mendbook build of ${what} failed (status ${run.status})`);
  }
  return out;
}

/** Builds the fixture site `tests/browser/fixtures/<name>`; returns its output folder. */
export function buildFixture(name) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `mendbook-browser-${name}-`));
  return build(path.join(REPO, "tests", "browser", "fixtures", name), out, `fixture ${name}`);
}

/**
 * Runs `queries` on the site at `base` with pagefind loaded
 * as the theme loads it: the bundle, with every other shard merged in.
 * Returns, per query, the URLs found, sorted. `first` limits how many
 * results' data are loaded (as a reader's first screen does); `onReady` is
 * called just before the search starts.
 */
export async function searchIn(page, base, queries, first = Infinity, onReady = () => {}) {
  // Where the bundle and shards are, from the search page; then a page
  // without the theme's search script, so nothing else loads pagefind.
  await page.goto(`${base}search/`);
  const where = await page.locator("[data-search]").evaluate((box) => ({
    bundle: new URL(box.dataset.bundle, location.href).href,
    merge: (box.dataset.merge || "").split(" ").filter(Boolean).map((d) => new URL(d, location.href).pathname),
    site: new URL(box.dataset.root, location.href).pathname,
  }));
  await page.goto(base);
  onReady();
  return page.evaluate(async ({ where, queries, first }) => {
    const pagefind = await import(where.bundle);
    for (const dir of where.merge) {
      await pagefind.mergeIndex(dir, { baseUrl: where.site });
    }
    await pagefind.init();
    const out = {};
    for (const q of queries) {
      const search = await pagefind.search(q);
      const data = await Promise.all(search.results.slice(0, first).map((r) => r.data()));
      out[q] = { count: search.results.length, urls: data.map((d) => d.url).sort() };
    }
    return out;
  }, { where, queries, first: first === Infinity ? 1e9 : first });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
};

/**
 * Serves `dir` under PREFIX on a free loopback port, like a static host:
 * folders get their index.html, a folder without its slash is redirected,
 * anything else missing gets 404.html with status 404, and text is
 * gzipped when the browser asks, as GitHub Pages does.
 */
export async function serve(dir) {
  const root = path.resolve(dir);
  const notFound = (res) => {
    res.writeHead(404, { "content-type": TYPES[".html"] });
    res.end(fs.readFileSync(path.join(root, "404.html")));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (!pathname.startsWith(PREFIX)) {
      notFound(res);
      return;
    }
    let file = path.resolve(root, "." + pathname.slice(PREFIX.length - 1));
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(400).end();
      return;
    }
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && stat.isDirectory()) {
      if (!pathname.endsWith("/")) {
        res.writeHead(301, { location: url.pathname + "/" + url.search }).end();
        return;
      }
      file = path.join(file, "index.html");
      stat = fs.statSync(file, { throwIfNoEntry: false });
    }
    if (!stat || !stat.isFile()) {
      notFound(res);
      return;
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    const body = fs.readFileSync(file);
    // GitHub Pages gzips text; pagefind's own files are gzipped already.
    if (/^(text\/|application\/(javascript|json|xml))/.test(type) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
      const packed = zlib.gzipSync(body);
      res.writeHead(200, { "content-type": type, "content-encoding": "gzip", "content-length": packed.length });
      res.end(packed);
      return;
    }
    res.writeHead(200, { "content-type": type, "content-length": body.length });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    base: `http://127.0.0.1:${port}${PREFIX}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Debian's chromium, headless; playwright-core downloads no browser. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox"],
  });
}

/**
 * Records what a page does wrong: console errors, uncaught exceptions and
 * requests to any origin but `origin`. A 404 page's own status is expected
 * and not counted.
 */
export function watch(page, origin) {
  const problems = [];
  // Pages opened on purpose at a missing address: chromium logs their 404.
  const missing = new Set();
  page.on("response", (res) => {
    if (res.status() === 404 && res.request().isNavigationRequest()) missing.add(res.url());
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    if (/status of 404/.test(text) && missing.has(msg.location().url)) return;
    problems.push(`console error on ${page.url()}: ${text}`);
  });
  page.on("pageerror", (err) => problems.push(`uncaught on ${page.url()}: ${err.message}`));
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("data:") || url.startsWith("blob:") || url === "about:blank") return;
    if (new URL(url).origin !== origin) {
      problems.push(`request that leaves the site, from ${page.url()}: ${url}`);
    }
  });
  return problems;
}

/** Clicks `locator` and waits until the page has moved to a new URL. */
export async function follow(page, locator) {
  const before = page.url();
  await Promise.all([page.waitForURL((u) => u.href !== before), locator.click()]);
  await page.waitForLoadState("load");
}

/** Where screenshots go: $MENDBOOK_SCREENSHOTS or a new temporary folder. */
export function screenshotDir() {
  const dir = process.env.MENDBOOK_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), "mendbook-screenshots-"));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export const AXE = path.join(REPO, "tests", "browser", "node_modules", "axe-core", "axe.min.js");

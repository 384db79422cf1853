// The example site built in French: every kind of page a reader meets,
// scripts included, shows none of the theme's English strings.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { REPO, buildSite, follow, launch, serve, watch } from "./harness.mjs";

/**
 * A translation table: the TOML the theme's tables use (table headers,
 * `key = "…"`, one array), as dotted key -> list of strings.
 */
function table(language) {
  const text = fs.readFileSync(path.join(REPO, "themes", "default", "translations", `${language}.toml`), "utf8");
  const out = new Map();
  let prefix = "";
  let array = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (array) {
      if (line.startsWith("]")) {
        out.set(array.key, JSON.parse(`[${array.items.join("").replace(/,\s*$/, "")}]`));
        array = null;
      } else if (!line.startsWith("#")) {
        array.items.push(line);
      }
      continue;
    }
    if (!line || line.startsWith("#")) continue;
    const header = line.match(/^\[([a-z_.]+)\]$/);
    if (header) {
      prefix = `${header[1]}.`;
      continue;
    }
    const pair = line.match(/^([a-z_]+)\s*=\s*(.*)$/);
    assert.ok(pair, `${language}.toml: cannot read ${line}`);
    if (pair[2] === "[") {
      array = { key: prefix + pair[1], items: [] };
    } else {
      out.set(prefix + pair[1], [JSON.parse(pair[2])]);
    }
  }
  return out;
}

/** English strings French writes differently, each as a whole-text pattern. */
function englishPatterns() {
  const en = table("en");
  const fr = table("fr");
  assert.equal(en.size, fr.size, "both tables have the same keys");
  const patterns = [];
  for (const [key, values] of en) {
    if (key === "date.months" || key === "date.first_day" || key === "date.format") continue;
    const french = fr.get(key);
    for (const text of values) {
      if (french.includes(text)) continue; // "Guide", "Question", "Important"…
      // A placeholder stands for any text; the words around it must be there.
      const words = text.split(/\{[a-z_]+\}/);
      if (words.join("").trim().length < 2) continue;
      const source = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*?");
      patterns.push({ key, text, re: new RegExp(`^${source}$`) });
    }
  }
  return patterns;
}

/** Every text a reader or a screen reader meets on the page: text nodes,
 * labels, placeholders, the title and search metadata. */
function textsOf(page) {
  return page.evaluate(() => {
    const texts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const parent = walker.currentNode.parentElement;
      if (parent && parent.closest("svg") && !parent.matches("text")) continue;
      texts.push(walker.currentNode.textContent);
    }
    for (const el of document.querySelectorAll("[aria-label], [placeholder], [title], [data-pagefind-meta]")) {
      for (const name of ["aria-label", "placeholder", "title"]) {
        if (el.hasAttribute(name)) texts.push(el.getAttribute(name));
      }
      const meta = el.getAttribute("data-pagefind-meta");
      if (meta && meta.startsWith("kind:")) texts.push(meta.slice(5));
    }
    return texts.map((t) => t.replace(/\s+/g, " ").trim()).filter(Boolean);
  });
}

let server;
let browser;

before(async () => {
  server = await serve(buildSite("", (toml) => toml.replace(/^language = "en"/m, 'language = "fr"')));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("a French build shows no English theme text on any kind of page", async () => {
  const patterns = englishPatterns();
  assert.ok(patterns.length > 80, "most English strings differ in French");
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watch(page, server.origin);
  const seen = new Map(); // url -> texts
  const look = async (what) => seen.set(`${what} ${page.url()}`, await textsOf(page));

  await page.goto(server.base);
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  await look("home");
  const first = await page.locator(".start-here .card-link").first().getAttribute("href");
  await page.goto(`${server.base}recover/`);
  await look("section");
  await page.goto(`${server.base}recover/apologize/`);
  await look("guide");
  await page.goto(`${server.base}prevent/find-the-cause/`);
  await look("guide with an embedded tree");
  await page.goto(`${server.base}tags/`);
  await look("tags");
  await page.goto(`${server.base}tags/apology/`);
  await look("tag");
  // A tree, walked by clicking: first question, a later one, an outcome.
  await page.goto(new URL(first, server.base).href);
  await look("first step");
  await follow(page, page.locator(".tree-option").first());
  await look("next step");
  while ((await page.locator(".tree-step").getAttribute("data-kind")) !== "outcome") {
    const next = page.locator(".tree-option, .tree-step a.button").first();
    await follow(page, next);
    await look("step");
  }
  assert.ok(await page.locator("[data-print]").isVisible(), "the outcome offers Print");
  // The map link (the edit link, when there is one, leaves the site).
  await page.locator(".tree-nav a:not(.edit-link)").last().click();
  await page.waitForLoadState("load");
  await look("map");
  // The first step again, now with a path to resume.
  await page.goto(new URL(first, server.base).href);
  assert.ok(await page.locator("[data-resume]").isVisible(), "the first step offers to resume");
  await look("first step, resumable");
  await page.goto(`${server.base}prevent/what-led-to-it/not-sure/`);
  assert.equal(await page.locator(".tree-step").getAttribute("data-kind"), "info");
  await look("info step");
  await page.goto(`${server.base}search/?q=mistake`);
  await page.locator(".search-results li").first().waitFor();
  const status = await page.locator("[data-search-status]").innerText();
  assert.match(status, /^\d+ résultats? pour «\u202Fmistake\u202F»$/u, "the status is French");
  assert.ok(await page.locator(".search-filters legend").count(), "filters show");
  await look("search");
  await page.fill("#search-q", "zzzqqqxxx");
  await page.waitForFunction(() => document.querySelector("[data-search-status]").textContent.startsWith("Aucun"));
  await look("search, nothing found");
  await page.goto(`${server.base}no-such-page/`);
  await look("404");
  await context.close();

  const english = [];
  for (const [where, texts] of seen) {
    for (const text of texts) {
      const hit = patterns.find((p) => p.re.test(text));
      if (hit) english.push(`${where}: “${text}” (${hit.key}: ${hit.text})`);
    }
  }
  assert.deepEqual(english, [], "English theme strings on a French site");
  assert.deepEqual(problems, [], "no console errors and no request off the site");
});

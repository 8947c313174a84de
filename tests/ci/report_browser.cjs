// report.html in a real browser (Debian's Chromium through playwright-core):
// the page loads with no console error, no page error and no failed
// request; its findings table has the verdict's findings; its plots render
// as inline SVG with size; the run parameters table is there. A screenshot
// is written for a human to look at.
// Usage: node report_browser.cjs MODULES_DIR RUN_DIR SCREENSHOT.png
const path = require("node:path");
const fs = require("node:fs");
const { chromium } = require(path.join(process.argv[2], "playwright-core"));

(async () => {
  const dir = path.resolve(process.argv[3]);
  const verdict = JSON.parse(fs.readFileSync(path.join(dir, "verdict.json"), "utf8"));
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  const problems = [];
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("requestfailed", (r) => problems.push("request failed: " + r.url()));
  await page.goto("file://" + path.join(dir, "report.html"), { waitUntil: "load" });
  const rows = await page.locator("#findings tr.finding").count();
  const plots = await page.locator("figure svg").evaluateAll((els) =>
    els.map((e) => { const b = e.getBoundingClientRect(); return [b.width, b.height]; }));
  const params = await page.locator("#parameters tr").count();
  const title = await page.locator("h2").first().textContent();
  await page.screenshot({ path: process.argv[4], fullPage: true });
  await browser.close();

  const want = verdict.findings.length;
  if (rows !== want) problems.push(`findings table: ${rows} rows, verdict.json has ${want}`);
  if (plots.length < 3 || plots.some(([w, h]) => w < 300 || h < 100))
    problems.push("plots: " + JSON.stringify(plots));
  if (params < 20) problems.push(`parameters table: ${params} rows`);
  console.log(`${title}; ${rows} findings, ${plots.length} plots, ${params - 1} parameters`);
  if (problems.length) {
    console.log(problems.join("\n"));
    process.exit(1);
  }
})().catch((e) => { console.log(String(e)); process.exit(1); });

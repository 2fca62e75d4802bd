// Lighthouse over the URLs named on the command line, in one headless Chromium (Debian's,
// with the flags the browser tests use). Prints one JSON object: for each URL its category
// scores and the audits that did not pass, with Lighthouse's own explanation.
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const chrome = await chromeLauncher.launch({ chromePath: "/usr/bin/chromium", chromeFlags: flags });
const report = {};
try {
  for (const url of process.argv.slice(2)) {
    const result = await lighthouse(url, {
      port: chrome.port, output: "json", logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    });
    const { categories, audits } = result.lhr;
    const failing = Object.values(audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary")
      .map((a) => `${a.id}: ${a.title}${a.explanation ? ` (${a.explanation})` : ""}`);
    report[url] = {
      scores: Object.fromEntries(Object.entries(categories).map(([k, c]) => [k, c.score])),
      failing,
    };
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(report));

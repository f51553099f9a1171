// Copies the chart and network libraries (with their licences) from node_modules into the
// explorer's static files, so that serving the site needs neither Node nor a CDN.
// Run with `npm ci && npm run build`; the copies are committed.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "static", "explorer", "vendor");
mkdirSync(vendor, { recursive: true });

const files = [
  ["echarts/dist/echarts.min.js", "echarts.min.js"],
  ["echarts/LICENSE", "echarts.LICENSE.txt"],
  ["cytoscape/dist/cytoscape.min.js", "cytoscape.min.js"],
  ["cytoscape/LICENSE", "cytoscape.LICENSE.txt"],
];
const versions = {};
for (const [from, to] of files) {
  copyFileSync(join(here, "node_modules", from), join(vendor, to));
  const pkg = from.split("/")[0];
  versions[pkg] = JSON.parse(readFileSync(join(here, "node_modules", pkg, "package.json"))).version;
}
writeFileSync(join(vendor, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendored into ${vendor}:`, versions);

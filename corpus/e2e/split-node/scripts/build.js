// The build: dist/ gets the program and build-info.json, which the program reads at run time.
const fs = require("fs");
const path = require("path");
const semver = require("semver");

const root = path.join(__dirname, "..");
const pkg = require(path.join(root, "package.json"));
const dist = path.join(root, "dist");
fs.mkdirSync(dist, { recursive: true });
fs.copyFileSync(path.join(root, "src", "index.js"), path.join(dist, "index.js"));
const info = { name: pkg.name, version: pkg.version, node: `${semver.major(process.version)}.x` };
fs.writeFileSync(path.join(dist, "build-info.json"), JSON.stringify(info, null, 1) + "\n");
console.log(`built ${pkg.name} ${pkg.version} into dist/`);

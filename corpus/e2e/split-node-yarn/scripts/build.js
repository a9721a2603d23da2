// yarn build: dist/ gets the server and public/index.html, rendered from src/page.mustache with
// mustache (a devDependency: the build needs it, the server does not).
const fs = require("fs");
const path = require("path");
const Mustache = require("mustache");

const root = path.join(__dirname, "..");
const pkg = require(path.join(root, "package.json"));
const dist = path.join(root, "dist");
fs.mkdirSync(path.join(dist, "public"), { recursive: true });
fs.copyFileSync(path.join(root, "src", "server.js"), path.join(dist, "server.js"));
const view = { name: pkg.name, version: pkg.version, node: process.versions.node.split(".")[0] };
const page = Mustache.render(fs.readFileSync(path.join(root, "src", "page.mustache"), "utf8"), view);
fs.writeFileSync(path.join(dist, "public", "index.html"), page);
console.log(`built ${pkg.name} ${pkg.version} into dist/`);

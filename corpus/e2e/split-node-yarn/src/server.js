// Serves dist/public/index.html and /health; with --once it answers one request for each
// path on standard output and exits (what the image's command does under test), and says
// whether the image's HEALTHCHECK can run (it calls curl, which node:18-slim does not have).
const fs = require("fs");
const http = require("http");
const path = require("path");
const escapeHtml = require("escape-html");
const argv = require("minimist")(process.argv.slice(2), { boolean: ["once"], default: { port: process.env.PORT || 3000 } });

const page = fs.readFileSync(path.join(__dirname, "public", "index.html"), "utf8");
const started = Date.now();

function answer(url) {
  if (url === "/health") {
    return { status: 200, type: "application/json", body: JSON.stringify({ ok: true, env: process.env.NODE_ENV || "unset" }) };
  }
  if (url === "/") {
    return { status: 200, type: "text/html", body: page };
  }
  return { status: 404, type: "text/html", body: `<p>no page at ${escapeHtml(url)}</p>` };
}

function devDependencies() {
  try {
    require.resolve("mustache");
    return "installed";
  } catch {
    return "pruned";
  }
}

function onPath(program) {
  const dirs = (process.env.PATH || "").split(path.delimiter);
  return dirs.some((dir) => {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

if (argv.once) {
  console.log(`node ${process.versions.node.split(".")[0]}, NODE_ENV=${process.env.NODE_ENV}, port ${argv.port}, devDependencies ${devDependencies()}`);
  console.log(`healthcheck: curl ${onPath("curl") ? "found" : "MISSING"}`);
  for (const url of ["/", "/health", "/<script>"]) {
    const { status, type, body } = answer(url);
    console.log(`GET ${url} -> ${status} ${type}`);
    console.log(body.trimEnd());
  }
} else {
  http
    .createServer((req, res) => {
      const { status, type, body } = answer(req.url);
      res.writeHead(status, { "content-type": type });
      res.end(body);
    })
    .listen(argv.port, () => console.log(`listening on ${argv.port} (${Date.now() - started} ms)`));
}

const escape = require("escape-html");
const args = require("minimist")(process.argv.slice(2));
console.log(`split-node-slim-cache: ${escape("<b>ok</b>")} once=${Boolean(args.once)}`);

// Reads the build's info, formats durations with ms and checks versions with semver (a
// devDependency, but the program needs it at run time: it must stay in node_modules).
const os = require("os");
const ms = require("ms");
const semver = require("semver");
const info = require("./build-info.json");

console.log(`${info.name} ${info.version} (built for node ${info.node}, NODE_ENV=${process.env.NODE_ENV})`);
console.log(`a request budget of 1500 ms is ${ms(1500)}, a day is ${ms("1d")} ms`);
console.log(`running on node ${semver.major(process.version)}: ${semver.satisfies(process.version, info.node) ? "as built" : "NOT as built"}`);
console.log(`running as ${os.userInfo().username}`);

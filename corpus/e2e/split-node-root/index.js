const ms = require("ms");
const { version } = require("ms/package.json");

console.log(`node-npm: ms ${version}`);
console.log(`90 seconds is ${ms(90 * 1000)}, one day is ${ms("1d")} ms`);

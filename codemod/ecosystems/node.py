"""Node.js: npm, yarn, pnpm."""

from . import Ecosystem, patterns

ECOSYSTEM: Ecosystem = Ecosystem(
    name="node",
    label="node",
    images=("node",),
    manifests=("package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", ".npmrc", ".yarnrc.yml"),
    install=patterns("npm ci", "npm install", "npm i", "yarn install", "yarn", "pnpm install", "pnpm i"),
    build=patterns("npm run build", "yarn build", "yarn run build", "pnpm build", "pnpm run build", "npx tsc", "tsc *", "npx vite", "vite build", "npx webpack", "webpack *"),
    test=patterns("npm test", "npm run test", "yarn test", "yarn run test", "pnpm test", "npx jest", "jest *"),
)

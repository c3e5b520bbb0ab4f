// Which npm packages the compiled BFF loads from node_modules at run time; every other
// package it reaches is bundled into the output. One list for the three builds that
// compile the BFF: Electron's main bundle (electron.vite.config.ts: local mode),
// `npm run build:bff` (scripts/build-bff.mjs) and the local-start benchmark's probes
// (scripts/bench/bff-registry.ts), so that the probe measures what the console runs.
// Bundled, the pure-JS dependencies (fastify and its own, kysely, zod, jose …) load as
// one module instead of hundreds of files: about 170 ms less of local mode's start on
// the 2-core build machine (docs/decisions/0011-compiled-bff-and-local-start.md).

/**
 * Loaded from node_modules: native addons (libsql, keytar) cannot be bundled; pg is
 * required only when a postgres:// database is opened (bff/src/store/database.ts),
 * got and openid-client only by the console's own services, which load at its start
 * in either mode. fastify's default schema compilers (ajv, fast-json-stringify) are
 * required only by an app built without compilers of its own; the BFF gives its zod
 * ones at construction (bff/src/app.ts), so they never load, and leaving them out of
 * the bundle spares local mode's start parsing about 1 MB of JavaScript.
 * @type {readonly string[]}
 */
export const RUNTIME_PACKAGES = ['libsql', 'keytar', 'pg', 'got', 'openid-client', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'];

/**
 * The package.json dependencies to bundle (electron-vite externalizes every
 * dependency unless told otherwise).
 * @param {{ dependencies?: Record<string, string> }} packageJson
 * @returns {string[]}
 */
export function bundledDependencies(packageJson) {
  return Object.keys(packageJson.dependencies ?? {}).filter((name) => !RUNTIME_PACKAGES.includes(name));
}

/**
 * Vite options of an SSR build that bundles every package but RUNTIME_PACKAGES.
 * @returns {{ ssr: { noExternal: true, external: string[] }, external: (id: string) => boolean }}
 */
export function bundleAllBut() {
  const isRuntime = (/** @type {string} */ id) => RUNTIME_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
  return { ssr: { noExternal: true, external: [...RUNTIME_PACKAGES] }, external: isRuntime };
}

// @ts-check
// Lint for the whole repository: typescript-eslint's recommended rules, React's hooks rules
// for the renderer, and the layering that docs/architecture.md ("Import rules") describes.
// Two mechanisms enforce the layering:
//   - import-x/no-restricted-paths zones: which folder may import which (top-level folders,
//     and inside the renderer: ui/ and lib/ below features/, features apart from each other);
//   - no-restricted-imports: which npm packages (and Node built-ins) each folder may use.
// The whole config is built by layeredConfig(root) so that eslint-rules/layering.test.ts
// can run the very same rules against a fixture tree that mirrors the layout.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';

const SOURCE_FILES = ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'];
const TEST_FILES = '**/*.test.{ts,tsx}'; // tests sit beside the code

// The one file in electron/ that may import bff/ (it starts the embedded BFF in local mode).
const LOCAL_BFF_STARTER = 'electron/main/local-mode/start-local-bff.ts';
// The only importers of keytar and of the raw IPC objects (GitHub Desktop style).
const CREDENTIAL_VAULT = 'electron/main/services/credential-vault.ts';
const IPC_MAIN_ADAPTER = 'electron/main/adapters/ipc-main.ts';
const PRELOAD_ENTRY = 'electron/preload/index.ts';
// Where every lint message sends the reader (a file in this repository).
const WHY = 'see docs/architecture.md, "Import rules"';

/**
 * Which renderer features may import which other features. Anything not listed is refused:
 * a feature that needs another's piece either gets it passed in by the screen that hosts
 * both, or the piece moves to ui/, lib/ or shared/. Keep this list short; no cycles.
 * @type {Record<string, string[]>}
 */
export const FEATURE_IMPORTS = {
  approvals: ['canary', 'rollout', 'session'], // a request's online analysis; a rollout request's plan words; the re-authentication step
  canary: ['evals', 'session'], // the live charts are drawn like the eval charts (ChartFrame, theme colours); the online gate edit's re-authentication
  connection: ['session'], // settings reuse the sign-in form
  'model-detail': ['audit', 'canary', 'evals', 'rollout', 'serving'], // the model screen hosts these tabs and cards (the online gate card)
  reports: ['evals'], // a saved report is drawn like the live eval report
  rollout: ['canary', 'evals', 'serving', 'session'], // live canary panel, gate of the latest run, serving state, re-authentication
};
const FEATURES = ['approvals', 'audit', 'canary', 'connection', 'evals', 'model-detail', 'register-version', 'registry', 'reports', 'rollout', 'serving', 'session'];

/**
 * Folder-to-folder rules. `target` is the importing file, `from` what it may not import.
 * @param {boolean} allowBff whether electron/ may import bff/ (only the local-mode starter)
 */
function layeringZones(allowBff) {
  return [
    {
      target: './shared',
      from: './',
      except: ['./shared', './node_modules'],
      message: `shared/ is pure: it may import only other shared/ files, zod and @noble/hashes (${WHY}).`,
    },
    {
      target: './renderer',
      from: ['./electron', './bff', './scripts', './e2e'],
      message: `renderer/ may import only shared/: it talks to the main process through window.modelOps (${WHY}).`,
    },
    {
      target: './electron',
      from: ['./renderer', './scripts', './e2e'],
      message: `electron/ may import shared/, not renderer/ (${WHY}).`,
    },
    ...(allowBff
      ? []
      : [
          {
            target: './electron',
            from: './bff',
            message: `electron/ may import bff/ only from ${LOCAL_BFF_STARTER}; everywhere else use the BFF client (${WHY}).`,
          },
        ]),
    {
      target: './electron/preload',
      from: './electron/main',
      message: `The preload may import shared/ and electron only, never the main process (${WHY}).`,
    },
    {
      target: './bff',
      from: ['./electron', './renderer', './scripts', './e2e'],
      message: `bff/ may import shared/ and server packages only (${WHY}).`,
    },
    ...rendererZones(),
  ];
}

/** Inside the renderer: shared building blocks stay below the features, features stay apart. */
function rendererZones() {
  const src = './renderer/src';
  return [
    ...['ui', 'lib'].map((folder) => ({
      target: `${src}/${folder}`,
      from: [`${src}/features`, `${src}/app`],
      message: `renderer/src/${folder}/ is shared by every screen: it may not import features/ or app/; pass what it needs as props or arguments (${WHY}).`,
    })),
    ...FEATURES.map((feature) => {
      const allowed = FEATURE_IMPORTS[feature] ?? [];
      return {
        target: `${src}/features/${feature}`,
        from: `${src}/features`,
        except: [`./${feature}`, ...allowed.map((other) => `./${other}`)],
        message: `features/${feature} may import ${allowed.length ? `only these other features: ${allowed.join(', ')}` : 'no other feature'}; let the hosting screen pass the piece in, move it to ui/ or lib/, or extend FEATURE_IMPORTS in eslint.config.js if the dependency is deliberate (${WHY}).`,
      };
    }),
  ];
}

// Bare module families, as regex alternatives matched against the whole specifier or its prefix.
const MODULES = {
  electron: 'electron',
  server: 'fastify|fastify-[^/]+|@fastify/[^/]+|kysely|libsql|@libsql/[^/]+|jose|otpauth',
  ui: 'react|react-dom|zustand|echarts|zrender|@tanstack/[^/]+',
  got: 'got',
  keytar: 'keytar',
  zod: 'zod',
  // Pure-JS hashing (sync, no Node built-in), so one key-id rule can live in shared/.
  hashes: '@noble/hashes',
  // Test-only devDependencies (canonicalize is the reference implementation that tests compare with).
  test: 'vitest|fast-check|@testing-library/[^/]+|canonicalize',
};
/** @typedef {keyof typeof MODULES} ModuleFamily */

/** @type {Record<ModuleFamily, string>} */
const WHERE_ALLOWED = {
  electron: 'only in electron/main/adapters/ and the preload (services stay testable in plain Node)',
  server: 'only in bff/ (and electron/main/local-mode/)',
  ui: 'only in renderer/',
  got: 'only in electron/main/ (the BFF client)',
  keytar: `only in ${CREDENTIAL_VAULT} (the CredentialVault facade)`,
  zod: 'everywhere',
  hashes: 'everywhere',
  test: 'only in *.test.* files',
};

/** @param {string} alternatives */
const startsWithModule = (alternatives) => `^(?:${alternatives})(?:/|$)`;

/**
 * Options for no-restricted-imports. A layer either names what it may import (`allow`:
 * everything bare outside the list is refused, Node built-ins included) or what it may
 * not (`deny`). Raw ipcMain / ipcRenderer are refused unless `rawIpc`.
 * @param {{ allow?: ModuleFamily[], deny?: ModuleFamily[], rawIpc?: boolean, label: string }} layer
 * @returns {import('eslint').Linter.RuleEntry}
 */
function restrictedImports({ allow, deny = [], rawIpc = false, label }) {
  const patterns = deny.map((family) => ({
    regex: startsWithModule(MODULES[family]),
    message: `Use this package ${WHERE_ALLOWED[family]} (${WHY}).`,
  }));
  if (allow) {
    const allowed = allow.map((family) => MODULES[family]).join('|');
    patterns.push({
      // Anything that is neither relative nor on the allow list (node:*, bare built-ins, other packages).
      regex: `^(?!\\.{1,2}(?:/|$)|(?:${allowed})(?:/|$))`,
      message: `${label} may import only relative paths and: ${allow.join(', ')} (${WHY}).`,
    });
  }
  const paths = rawIpc
    ? []
    : ['electron', 'electron/main', 'electron/renderer'].map((name) => ({
        name,
        importNames: ['ipcMain', 'ipcRenderer'],
        message: `Use the typed IPC wrappers from the shared contract; raw ipcMain/ipcRenderer belong only in ${IPC_MAIN_ADAPTER} and ${PRELOAD_ENTRY} (${WHY}).`,
      }));
  return ['error', { paths, patterns }];
}

/** @param {string} root absolute path of the tree to lint (the repository, or a test fixture) */
export function layeredConfig(root) {
  // electron/main/index.ts is the composition root but needs no `electron` import: the
  // adapters hand it everything Electron-shaped, so only adapters/ and the preload may.
  const adapterDeny = /** @type {ModuleFamily[]} */ (['server', 'ui', 'keytar']);
  const mainDeny = /** @type {ModuleFamily[]} */ ([...adapterDeny, 'electron']);
  /** Layers in order: a later matching block replaces the options of an earlier one. */
  const layers = [
    // Tooling (scripts/, e2e/, config files) may use anything but keytar and raw IPC.
    { files: SOURCE_FILES, label: 'tooling', deny: ['keytar'] },
    { files: ['shared/**'], label: 'shared/', allow: ['zod', 'hashes'] },
    { files: [`shared/${TEST_FILES}`], label: 'shared/ tests', allow: ['zod', 'hashes', 'test'] },
    { files: ['bff/**'], label: 'bff/', deny: ['electron', 'ui', 'got', 'keytar'] },
    { files: ['electron/**'], label: 'electron/', deny: mainDeny },
    { files: ['electron/main/adapters/**'], label: 'electron/main/adapters', deny: adapterDeny },
    { files: ['electron/main/local-mode/**'], label: 'local mode', deny: ['ui', 'keytar', 'electron'] },
    { files: [CREDENTIAL_VAULT], label: 'credential vault', deny: ['server', 'ui', 'electron'] },
    { files: [IPC_MAIN_ADAPTER], label: 'ipc adapter', deny: adapterDeny, rawIpc: true },
    { files: ['electron/preload/**'], label: 'electron/preload', allow: ['electron', 'zod'] },
    { files: [`electron/preload/${TEST_FILES}`], label: 'preload tests', allow: ['electron', 'zod', 'test'] },
    { files: [PRELOAD_ENTRY], label: 'electron/preload', allow: ['electron', 'zod'], rawIpc: true },
    { files: ['renderer/**'], label: 'renderer/', allow: ['ui', 'zod'] },
    { files: [`renderer/${TEST_FILES}`], label: 'renderer/ tests', allow: ['ui', 'zod', 'test'] },
  ];
  const importBlocks = layers.map(({ files, ...layer }) => ({
    files,
    rules: {
      'no-restricted-imports': restrictedImports(/** @type {Parameters<typeof restrictedImports>[0]} */ (layer)),
    },
  }));

  return defineConfig([
    globalIgnores(['out/', 'dist/', 'node_modules/', 'coverage/', 'test-results/', 'playwright-report/', '.tmp/']),
    tseslint.configs.recommended,
    {
      files: SOURCE_FILES,
      plugins: { 'import-x': importX },
      settings: {
        'import-x/resolver-next': [
          createNodeResolver({
            extensions: ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
            // `import './x.js'` written for a TypeScript file x.ts.
            extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'], '.cjs': ['.cts', '.cjs'] },
          }),
        ],
      },
      rules: {
        'import-x/no-restricted-paths': ['error', { basePath: root, zones: layeringZones(false) }],
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      },
    },
    {
      files: [LOCAL_BFF_STARTER],
      rules: { 'import-x/no-restricted-paths': ['error', { basePath: root, zones: layeringZones(true) }] },
    },
    ...importBlocks,
    {
      files: ['renderer/**/*.{ts,tsx}'],
      ...reactHooks.configs.flat.recommended,
    },
  ]);
}

export default layeredConfig(import.meta.dirname);

// Proves the layering rules of eslint.config.js bite: snippets linted at paths inside a
// fixture tree that mirrors the repository layout (eslint-rules/fixtures/) must be refused
// or accepted exactly as the table in docs/architecture.md#import-rules says.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_IMPORTS, layeredConfig } from '../eslint.config.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const ZONES = 'import-x/no-restricted-paths';
const PACKAGES = 'no-restricted-imports';
const HOOKS = 'react-hooks/rules-of-hooks';

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: FIXTURES, overrideConfigFile: true, overrideConfig: layeredConfig(FIXTURES) });
});

/** Lints `code` as if it were the file `file` (relative to the fixture root); returns rule ids. */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(FIXTURES, file) });
  if (!result) throw new Error(`no lint result for ${file}`);
  const fatal = result.messages.filter((message) => message.fatal);
  expect(fatal, `parse errors in ${file}`).toEqual([]);
  return result.messages.map((message) => message.ruleId ?? 'none').filter((id) => id === ZONES || id === PACKAGES || id === HOOKS);
}

/** The message of the first layering report for `code` at `file`. */
async function firstMessage(file: string, code: string): Promise<string> {
  const [result] = await eslint.lintText(code, { filePath: path.join(FIXTURES, file) });
  return result?.messages.find((message) => message.ruleId === ZONES || message.ruleId === PACKAGES)?.message ?? '';
}

describe('folder zones (import-x/no-restricted-paths)', () => {
  it.each([
    ['shared/x.ts', "import { fixture } from '../bff/src/app';"],
    ['shared/x.ts', "import { fixture } from '../electron/main/window';"],
    ['renderer/src/x.ts', "import { fixture } from '../../electron/main/window';"],
    ['renderer/src/x.ts', "import { fixture } from '../../bff/src/app';"],
    ['electron/main/x.ts', "import { fixture } from '../../bff/src/app';"],
    ['electron/main/x.ts', "import { fixture } from '../../bff/src/app.js';"],
    ['electron/main/local-mode/other.ts', "import { fixture } from '../../../bff/src/app';"],
    ['electron/main/x.ts', "import { fixture } from '../../renderer/src/app';"],
    ['electron/preload/index.ts', "import { fixture } from '../main/window';"],
    ['bff/src/x.ts', "import { fixture } from '../../electron/main/window';"],
    ['bff/src/x.ts', "export { fixture } from '../../renderer/src/app';"],
  ])('refuses %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([ZONES]);
  });

  it.each([
    ['electron/main/local-mode/start-local-bff.ts', "import { fixture } from '../../../bff/src/app';"],
    ['shared/x.ts', "import { fixture } from './ipc/contract';"],
    ['renderer/src/x.ts', "import { fixture } from '../../shared/ipc/contract';"],
    ['electron/main/x.ts', "import { fixture } from '../../shared/ipc/contract.js';"],
    ['electron/preload/index.ts', "import { fixture } from '../../shared/ipc/contract';"],
    ['bff/src/x.ts', "import { fixture } from '../../shared/ipc/contract';"],
  ])('allows %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});

describe('package allow-lists (no-restricted-imports)', () => {
  it.each([
    ['shared/x.ts', "import { readFileSync } from 'node:fs';"],
    ['shared/x.ts', "import { readFileSync } from 'fs';"],
    ['shared/x.ts', "import { useState } from 'react';"],
    ['shared/x.ts', "import canonicalize from 'canonicalize';"],
    ['renderer/src/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';"],
    ['bff/src/x.ts', "import { useState } from 'react';"],
    ['bff/src/x.ts', "import got from 'got';"],
    ['electron/main/x.ts', "import Fastify from 'fastify';"],
    ['electron/main/x.ts', "import rateLimit from '@fastify/rate-limit';"],
    ['electron/main/x.ts', "import * as echarts from 'echarts/core';"],
    ['electron/main/x.ts', "import keytar from 'keytar';"],
    ['electron/main/services/session.ts', "import keytar from 'keytar';"],
    ['scripts/bench.ts', "import keytar from 'keytar';"],
    ['electron/preload/api.ts', "import { readFileSync } from 'node:fs';"],
    ['electron/main/window.ts', "import { ipcMain } from 'electron';"],
    ['electron/main/window.ts', "import * as electron from 'electron';"],
    ['electron/preload/api.ts', "import { contextBridge, ipcRenderer } from 'electron';"],
    // electron only in the adapters and the preload: services and the composition root stay plain Node.
    ['electron/main/services/session.ts', "import { app } from 'electron';"],
    ['electron/main/index.ts', "import { app } from 'electron';"],
    ['electron/main/local-mode/start-local-bff.ts', "import { app } from 'electron';"],
    ['electron/main/services/credential-vault.ts', "import { safeStorage } from 'electron';"],
  ])('refuses %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toContain(PACKAGES);
  });

  it.each([
    ['shared/x.ts', "import { z } from 'zod';"],
    ['shared/x.test.ts', "import { it } from 'vitest';\nimport fc from 'fast-check';"],
    ['renderer/src/x.tsx', "import { useState } from 'react';\nimport { create } from 'zustand';\nimport * as echarts from 'echarts/core';"],
    ['renderer/src/x.ts', "import { useVirtualizer } from '@tanstack/react-virtual';"],
    ['renderer/src/x.test.tsx', "import { render } from '@testing-library/react';"],
    ['bff/src/x.ts', "import Fastify from 'fastify';\nimport { Kysely } from 'kysely';\nimport { readFile } from 'node:fs/promises';"],
    ['electron/main/local-mode/start-local-bff.ts', "import Fastify from 'fastify';"],
    ['electron/main/services/credential-vault.ts', "import keytar from 'keytar';"],
    ['electron/main/x.ts', "import got from 'got';"],
    ['electron/main/adapters/window.ts', "import { app, BrowserWindow } from 'electron';"],
    ['electron/main/adapters/ipc-main.ts', "import { ipcMain } from 'electron';"],
    ['electron/preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';"],
  ])('allows %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });
});

describe('renderer layering (import-x/no-restricted-paths)', () => {
  it.each([
    // ui/ and lib/ sit below every screen.
    ['renderer/src/ui/x.tsx', "import { fixture } from '../features/rollout/plan';"],
    ['renderer/src/ui/x.tsx', "import { fixture } from '../app/store';"],
    ['renderer/src/lib/x.ts', "import { fixture } from '../features/evals/view';"],
    ['renderer/src/lib/x.ts', "export { fixture } from '../app/store';"],
    // Features apart, except the allow-list; in particular the two former cycles stay broken.
    ['renderer/src/features/rollout/x.tsx', "import { fixture } from '../model-detail/card';"],
    ['renderer/src/features/evals/x.tsx', "import { fixture } from '../reports/viewer';"],
    ['renderer/src/features/serving/x.tsx', "import { fixture } from '../rollout/plan';"],
    ['renderer/src/features/serving/x.test.tsx', "import { fixture } from '../model-detail/card';"],
  ])('refuses %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([ZONES]);
  });

  it.each([
    ['renderer/src/ui/x.tsx', "import { fixture } from '../lib/format';"],
    ['renderer/src/features/rollout/x.tsx', "import { fixture } from './plan';"],
    ['renderer/src/features/rollout/x.tsx', "import { fixture } from '../../ui/button';\nimport { fixture as f } from '../../app/store';"],
    ['renderer/src/features/model-detail/x.tsx', "import { fixture } from '../rollout/plan';"],
    ['renderer/src/features/reports/x.tsx', "import { fixture } from '../evals/view';"],
    ['renderer/src/app/x.tsx', "import { fixture } from '../features/model-detail/card';"],
  ])('allows %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
  });

  it('says why and where to read more, inside the repository', async () => {
    const message = await firstMessage('renderer/src/features/evals/x.tsx', "import { fixture } from '../reports/viewer';");
    expect(message).toContain('features/evals may import no other feature');
    expect(message).toContain('docs/architecture.md');
    const electron = await firstMessage('electron/main/services/x.ts', "import { app } from 'electron';");
    expect(electron).toContain('only in electron/main/adapters/');
    expect(electron).toContain('docs/architecture.md');
  });

  it('keeps the allow-list free of cycles', () => {
    const visiting = new Set<string>();
    const cycleFrom = (feature: string): boolean => {
      if (visiting.has(feature)) return true;
      visiting.add(feature);
      const found = (FEATURE_IMPORTS[feature] ?? []).some(cycleFrom);
      visiting.delete(feature);
      return found;
    };
    expect(Object.keys(FEATURE_IMPORTS).filter(cycleFrom)).toEqual([]);
  });
});

describe('React hooks rules', () => {
  it('refuses a hook called conditionally in a component', async () => {
    const code = "import { useState } from 'react';\nexport function A({ on }: { on: boolean }) {\n  if (on) useState(0);\n  return null;\n}";
    expect(await ruleIds('renderer/src/features/rollout/A.tsx', code)).toEqual([HOOKS]);
  });

  it('allows the same hook called unconditionally', async () => {
    const code = "import { useState } from 'react';\nexport function A() {\n  useState(0);\n  return null;\n}";
    expect(await ruleIds('renderer/src/features/rollout/A.tsx', code)).toEqual([]);
  });
});

describe('eslint.config.js', () => {
  it('applies the layered rules to the repository itself', async () => {
    const repoLint = new ESLint({ cwd: REPO_ROOT });
    const config = (await repoLint.calculateConfigForFile(path.join(REPO_ROOT, 'shared/x.ts'))) as {
      rules: Record<string, unknown>;
    };
    expect(config.rules[ZONES]).toEqual([2, expect.objectContaining({ basePath: REPO_ROOT })]);
    expect(config.rules[PACKAGES]).toBeDefined();
  });
});

// Proves the layering rules of eslint.config.js bite: snippets linted at paths inside a
// fixture tree that mirrors the repository layout (eslint-rules/fixtures/) must be refused
// or accepted exactly as the table in docs/architecture.md#import-rules says.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { layeredConfig } from '../eslint.config.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const ZONES = 'import-x/no-restricted-paths';
const PACKAGES = 'no-restricted-imports';

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
  return result.messages.map((message) => message.ruleId ?? 'none').filter((id) => id === ZONES || id === PACKAGES);
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
    ['electron/main/x.ts', "import got from 'got';\nimport { app, BrowserWindow } from 'electron';"],
    ['electron/main/adapters/ipc-main.ts', "import { ipcMain } from 'electron';"],
    ['electron/preload/index.ts', "import { contextBridge, ipcRenderer } from 'electron';"],
  ])('allows %s: %s', async (file, code) => {
    expect(await ruleIds(file, code)).toEqual([]);
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

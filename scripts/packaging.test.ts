// The packaging configuration as data: build/electron-builder.yml loaded and
// validated by electron-builder's own loader and JSON schema; the installers,
// scheme, file type and icons it declares; the fuses build/after-pack.mjs
// flips (also written into a fuse wire and read back with @electron/fuses);
// and that npm packages left out of the package are unreachable from the main process.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../electron/main/test-support/harness.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// electron-builder's own config loader and schema validator (app-builder-lib is its engine).
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- electron-builder's Configuration, read as data below
  getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<Record<string, any>>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };
const fuses = require('@electron/fuses') as typeof import('@electron/fuses');
const afterPack = await import('../build/after-pack.mjs');

const load = async (file = 'build/electron-builder.yml') => {
  const config = await getConfig(root, file, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
};

describe('build/electron-builder.yml', () => {
  it('passes electron-builder’s schema, and the schema bites', async () => {
    await load();
    const dir = tempDir('moc-builder-');
    try {
      const broken = join(dir.path, 'broken.yml');
      writeFileSync(broken, `${readFileSync(join(root, 'build/electron-builder.yml'), 'utf8')}\nnsisTypo: {}\n`);
      await expect(load(broken)).rejects.toThrow(/nsisTypo/);
    } finally {
      dir.remove();
    }
  });

  it('builds deb, rpm, AppImage; per-machine NSIS and MSI; dmg and pkg', async () => {
    const config = await load();
    expect(config.linux.target).toEqual(['deb', 'rpm', 'AppImage']);
    expect(config.win.target).toEqual(['nsis', 'msi']);
    expect(config.mac.target).toEqual(['dmg', 'pkg']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.msi).toMatchObject({ perMachine: true });
    expect(config.msi.upgradeCode).toMatch(/^[0-9a-f-]{36}$/);
    expect(config.pkg).toMatchObject({ installLocation: '/Applications', allowCurrentUserHome: false });
    expect(config.deb.depends).toContain('libsecret-1-0');
  });

  it('registers modelops:// and *.modelreport.json, with icons that exist', async () => {
    const config = await load();
    expect(config.protocols).toEqual([{ name: 'Model Ops Console request link', schemes: ['modelops'] }]);
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'modelreport.json', mimeType: 'application/vnd.modelops.report+json' })]);
    expect(config.linux.mimeTypes).toEqual(['application/vnd.modelops.report+json', 'x-scheme-handler/modelops']);
    for (const file of [config.win.icon, config.mac.icon, `${config.fileAssociations[0].icon}.ico`, `${config.fileAssociations[0].icon}.icns`, 'resources/icons/512x512.png', 'resources/tray/trayTemplate.png', 'resources/tray/tray-9plus.png']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(readFileSync(join(root, config.win.icon)).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(readFileSync(join(root, config.mac.icon)).subarray(0, 4).toString('latin1')).toBe('icns');
  });

  it('runs the fuse hook after packing, and packs the app from an asar', async () => {
    const config = await load();
    expect(config.asar).toBe(true);
    expect(config.afterPack).toBe('./build/after-pack.mjs');
    expect(existsSync(join(root, config.afterPack))).toBe(true);
  });
});

describe('fuses (build/after-pack.mjs)', () => {
  it('are the locked-down set, every fuse decided', () => {
    expect(afterPack.FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
    const names = Object.keys(fuses.FuseV1Options).filter((key) => Number.isNaN(Number(key)));
    expect(Object.keys(afterPack.FUSES).sort()).toEqual(names.sort());
    expect(afterPack.fuseConfig('linux', 'x64')).toMatchObject({ version: '1', strictlyRequireAllFuses: true });
    expect(afterPack.fuseConfig('darwin', 'arm64')).toMatchObject({ resetAdHocDarwinSignature: true });
  });

  it('are written into the binary’s fuse wire by the hook (read back with @electron/fuses)', async () => {
    // No Electron binary exists here: a file with the real sentinel and an all-enabled v1 wire of 8 fuses stands in for it.
    const dir = tempDir('moc-fuses-');
    try {
      const binary = join(dir.path, 'model-ops-console');
      writeFileSync(binary, Buffer.concat([randomBytes(256), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.alloc(8, 49), randomBytes(256)]));
      const before = readFileSync(binary);
      await afterPack.afterPack({ appOutDir: dir.path, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'model-ops-console', appInfo: { productFilename: 'Model Ops Console' } } });
      const wire = await fuses.getCurrentFuseWire(binary);
      const ON = 49;
      const OFF = 48;
      expect(wire[fuses.FuseV1Options.RunAsNode]).toBe(OFF);
      expect(wire[fuses.FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
      expect(wire[fuses.FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
      expect(wire[fuses.FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ON);
      expect(wire[fuses.FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
      expect(wire[fuses.FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(OFF);
      // Nothing but the wire changed.
      const after = readFileSync(binary);
      expect(after.length).toBe(before.length);
      expect([...after].filter((byte, index) => byte !== before[index]).length).toBeLessThanOrEqual(8);
      // A binary without a fuse wire fails the build instead of shipping unfused.
      copyFileSync(binary, `${binary}.bak`);
      writeFileSync(binary, randomBytes(512));
      await expect(afterPack.afterPack({ appOutDir: dir.path, electronPlatformName: 'linux', arch: 1, packager: { executableName: 'model-ops-console', appInfo: { productFilename: 'Model Ops Console' } } })).rejects.toThrow(/sentinel/);
    } finally {
      dir.remove();
    }
  });
});

/** Bare package names imported by the modules reachable from `entry` through relative imports. */
function reachablePackages(entry: string): { packages: Set<string>; modules: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    const source = readFileSync(file, 'utf8');
    // import … from 'x' / export … from 'x' / import('x'); type-only imports are erased by the build.
    for (const match of source.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        queue.push(existsSync(target) ? target : resolve(dirname(file), specifier));
      } else if (!specifier.startsWith('node:')) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
  }
  return { packages, modules };
}

describe('what the packaged main process contains', () => {
  it('leaves out only npm packages the main process cannot reach, and the BFF’s CLI and server launcher', async () => {
    const config = await load();
    const excluded = (config.files[0].filter as string[]).flatMap((pattern) => /^!node_modules\/((?:@[^/]+\/)?[^/*]+)\/\*\*$/.exec(pattern)?.[1] ?? []);
    // No package is left out today (company sign-in brought openid-client into the main process);
    // any exclusion added to the config must name a package the main process cannot reach.
    const { packages, modules } = reachablePackages(join(root, 'electron/main/index.ts'));
    for (const name of excluded) expect(packages.has(name), `${name} is imported by the main process but left out of the package`).toBe(false);
    // Every package it does import ships: a runtime dependency, or electron itself.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of packages) expect(name === 'electron' || name in pkg.dependencies, `${name} must be in dependencies`).toBe(true);
    // Local mode reaches the BFF app and the demo seed; the CLI and the standalone server launcher are not bundled.
    const relative = [...modules].map((file) => file.slice(root.length + 1));
    expect(relative).toContain('bff/src/seed/demo.ts');
    expect(relative).not.toContain('bff/src/cli.ts');
  });
});

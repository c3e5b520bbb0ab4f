// The ports a test console (createConsoleRuntime) runs with, written once for
// the suites that build one: no workstation policy, a memory vault, native
// surfaces that do nothing (every dialog cancelled, every confirmation
// answered yes), quick retries. A suite overrides what it looks at.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlatformPorts } from '../services/console-runtime.js';
import { createFileLogger } from '../services/logger.js';
import { memoryVault } from './harness.js';

export interface TestPortsOptions {
  dataDir: string;
  /** Remote mode against this BFF (settings.json names it, as when a user chose it); local mode without. */
  bffUrl?: string;
}

export function testPorts(options: TestPortsOptions, overrides: Partial<PlatformPorts> = {}): PlatformPorts {
  const { dataDir } = options;
  if (options.bffUrl) {
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ version: 1, settings: { bff_url: options.bffUrl }, remembered_users: {} }));
  }
  return {
    dataDir,
    platform: 'linux',
    // The file named here does not exist: no workstation policy on this machine.
    env: { MODELOPS_POLICY_FILE: join(dataDir, 'no-policy.json') },
    // Unpackaged, so MODELOPS_POLICY_FILE above is honoured.
    packaged: false,
    appName: 'Model Ops Console',
    appVersion: '0.0.0-test',
    logger: createFileLogger({ directory: join(dataDir, 'logs'), level: 'debug' }),
    vault: memoryVault(),
    startLocalBff: () => Promise.reject(new Error('remote mode only')),
    showNotification: () => undefined,
    setBadge: () => undefined,
    badgeSupported: false,
    focusWindow: () => undefined,
    fileDialogs: { chooseSavePath: async () => null, chooseOpenPath: async () => null },
    confirm: async () => true,
    push: () => undefined,
    retryDelayMs: () => 1,
    eventStream: { backoffMs: () => 5 },
    ...overrides,
  };
}

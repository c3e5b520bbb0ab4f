// vitest globalSetup of the `bff-pg` project: one throwaway PostgreSQL cluster
// for the whole run; each test file (each startTestBff, each testDatabase())
// gets a fresh database in it (testing/harness.ts). Stopped in teardown.
import type { TestProject } from 'vitest/node';
import { startPgCluster, type PgCluster } from './pg-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    bffPgAdminUrl: string;
  }
}

let cluster: PgCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startPgCluster();
  project.provide('bffPgAdminUrl', cluster.adminUrl);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  cluster = undefined;
}

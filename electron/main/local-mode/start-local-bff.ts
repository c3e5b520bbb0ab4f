// The one electron/ module allowed to import bff/: starts the reference BFF
// inside the main process for local mode (and for the main-process tests).
import { startBff } from '../../../bff/src/server.js';

export interface LocalBff {
  url: string;
  close(): Promise<void>;
}

export interface StartLocalBffOptions {
  dbFile: string;
  seedDemo: boolean;
  /** 0 = a free port. */
  port?: number;
  /** Test-only overrides of the BFF's settings (token lifetimes, rate limits). */
  settings?: Parameters<typeof startBff>[0]['settings'];
  now?: () => Date;
}

/** Always on 127.0.0.1: the embedded BFF is for this machine only. */
export async function startLocalBff(options: StartLocalBffOptions): Promise<LocalBff> {
  const running = await startBff({
    dbFile: options.dbFile,
    host: '127.0.0.1',
    port: options.port ?? 0,
    seedDemo: options.seedDemo,
    logger: false,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { url: running.url, close: () => running.close() };
}

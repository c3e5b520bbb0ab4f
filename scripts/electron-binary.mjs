// The path of the downloaded Electron binary, or null where it was never
// downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on our build machines).
// Shared by `npm start` and `npm run package`, which both stop with a reason without it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export function electronBinaryPath() {
  const require = createRequire(import.meta.url);
  try {
    // The electron package exports the binary's path, and throws when it has none.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

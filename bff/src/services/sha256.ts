// The BFF's one SHA-256 helper: tokens are stored as their digest (refresh,
// step-up, service-account tokens), and the demo seed derives stable ids from it.
import { createHash } from 'node:crypto';

/** SHA-256 of a UTF-8 string, as lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

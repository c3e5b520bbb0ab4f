// electron-builder afterPack hook: flips the Electron fuses of the packed binary
// (before electron-builder signs it) so the shipped app cannot be turned into a
// Node interpreter or debugged from the command line, and loads only its own,
// integrity-checked asar. electron-builder imports the named export `afterPack`.
import path from 'node:path';
import electronFuses from '@electron/fuses';

// A CommonJS package: take the named parts from its default export.
const { flipFuses, FuseVersion, FuseV1Options } = electronFuses;

/** Every fuse of the v1 wire, set explicitly (strictlyRequireAllFuses: a new fuse must be decided, not inherited). */
export const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed binary into a general-purpose Node.
  RunAsNode: false,
  EnableCookieEncryption: true,
  // NODE_OPTIONS could preload arbitrary code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect / --inspect-brk would open a debugger on the main process.
  EnableNodeCliInspectArguments: false,
  // The asar's hash is embedded at build time and checked at start (macOS, Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Never load an unpacked app folder placed beside the asar.
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // file:// gets no privileges beyond a web page's; the console serves itself from app://.
  GrantFileProtocolExtraPrivileges: false,
});

export function fuseConfig(platform, arch) {
  const config = { version: FuseVersion.V1, strictlyRequireAllFuses: true };
  for (const [name, value] of Object.entries(FUSES)) config[FuseV1Options[name]] = value;
  // Apple silicon refuses binaries whose ad-hoc signature no longer matches; electron-builder signs properly afterwards.
  if (platform === 'darwin' && arch === 'arm64') config.resetAdHocDarwinSignature = true;
  return config;
}

/** The file that carries the fuse wire, per platform, inside electron-builder's output folder. */
export function electronBinaryPath(context) {
  const { appOutDir, packager, electronPlatformName } = context;
  const info = packager.appInfo;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${info.productFilename}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${info.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

export async function afterPack(context) {
  const binary = electronBinaryPath(context);
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  await flipFuses(binary, fuseConfig(context.electronPlatformName, arch));
  console.log(`  • fuses flipped  ${Object.entries(FUSES).map(([name, on]) => `${name}=${on}`).join(' ')}  file=${binary}`);
}

export default afterPack;

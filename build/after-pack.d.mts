// Types of build/after-pack.mjs for the packaging test.
export declare const FUSES: Readonly<Record<string, boolean>>;
export declare function fuseConfig(platform: string, arch: string): Record<string, unknown>;
export declare function electronBinaryPath(context: AfterPackContext): string;
export interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { executableName: string; appInfo: { productFilename: string } };
}
export declare function afterPack(context: AfterPackContext): Promise<void>;
export default afterPack;

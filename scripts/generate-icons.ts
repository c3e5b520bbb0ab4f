// Generates every icon the app and its installers need from the two SVG
// sources in resources/ (run `npm run icons` after changing them; the output
// is committed so packaging needs no generator):
//   resources/icons/<n>x<n>.png   app icon sizes (Linux packages, window icon)
//   resources/icon.ico            Windows (NSIS, MSI, the exe)
//   resources/icon.icns           macOS (dmg, pkg, the .app)
//   resources/tray/tray.png …     tray icon for Windows / Linux, also with the count 1-9, 9+ drawn in
//   resources/tray/trayTemplate.png (+ @2x)  macOS menu-bar template image (black + alpha; macOS tints it)
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import png2icons from 'png2icons';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resources = join(root, 'resources');
export const APP_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

function render(svg: string, size: number): Buffer {
  // DejaVu Sans draws the count digits (Debian's fonts-dejavu); no other text is rendered.
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}

function write(path: string, bytes: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  console.log(`${path.slice(root.length + 1)}  ${bytes.length} bytes`);
}

/** The coloured tray glyph with a red count badge in its top-right corner. */
function trayWithCount(traySvg: string, label: string | null): string {
  const coloured = traySvg.replaceAll('#000000', '#2f6bf0');
  if (!label) return coloured;
  const badge = `<circle cx="23" cy="9" r="9" fill="#dc2626" stroke="#ffffff" stroke-width="1.5"/><text x="23" y="13.2" font-family="DejaVu Sans" font-weight="bold" font-size="${label.length > 1 ? 9.5 : 12}" text-anchor="middle" fill="#ffffff">${label}</text>`;
  return coloured.replace('</svg>', `${badge}</svg>`);
}

function main(): void {
  const appSvg = readFileSync(join(resources, 'icon.svg'), 'utf8');
  for (const size of APP_ICON_SIZES) write(join(resources, 'icons', `${size}x${size}.png`), render(appSvg, size));
  const master = render(appSvg, 1024);
  const ico = png2icons.createICO(master, png2icons.BICUBIC2, 0, false, true);
  const icns = png2icons.createICNS(master, png2icons.BICUBIC2, 0);
  if (!ico || !icns) throw new Error('png2icons could not build the .ico / .icns');
  write(join(resources, 'icon.ico'), ico);
  write(join(resources, 'icon.icns'), icns);

  const traySvg = readFileSync(join(resources, 'tray', 'tray.svg'), 'utf8');
  write(join(resources, 'tray', 'trayTemplate.png'), render(traySvg, 16));
  write(join(resources, 'tray', 'trayTemplate@2x.png'), render(traySvg, 32));
  // Windows and Linux draw tray icons at 16-32 px; 32 keeps the digits legible when scaled down.
  write(join(resources, 'tray', 'tray.png'), render(trayWithCount(traySvg, null), 32));
  for (let count = 1; count <= 9; count += 1) write(join(resources, 'tray', `tray-${count}.png`), render(trayWithCount(traySvg, String(count)), 32));
  write(join(resources, 'tray', 'tray-9plus.png'), render(trayWithCount(traySvg, '9+'), 32));
}

main();

// Small inline SVG icons (no icon font or network); decorative unless labelled.
import type { ReactElement } from 'react';

const PATHS = {
  arrowUp: 'M8 13V3m0 0L4 7m4-4 4 4',
  arrowDown: 'M8 3v10m0 0 4-4m-4 4-4-4',
  arrowRight: 'M3 8h10m0 0-4-4m4 4-4 4',
  check: 'm3.5 8.5 3 3 6-7',
  cross: 'm4 4 8 8m0-8-8 8',
  copy: 'M5.5 5.5V3.5a1 1 0 0 1 1-1h6a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1h-2M3.5 5.5h6a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1h-6a1 1 0 0 1-1-1v-6a1 1 0 0 1 1-1Z',
  lock: 'M4.5 7V5a3.5 3.5 0 0 1 7 0v2M3.5 7h9v6.5h-9Z',
  search: 'm10.5 10.5 3 3M11.5 7a4.5 4.5 0 1 1-9 0 4.5 4.5 0 0 1 9 0Z',
  chevronRight: 'm6 3.5 4.5 4.5L6 12.5',
  chevronDown: 'M3.5 6 8 10.5 12.5 6',
  chevronLeft: 'M10 3.5 5.5 8l4.5 4.5',
  warning: 'M8 2.5 14 13H2L8 2.5ZM8 6.5v3M8 11.2v.1',
  info: 'M8 14.5a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13ZM8 7.5v4M8 5v.1',
  clock: 'M8 14.5a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13ZM8 4.5V8l2.5 1.5',
  layers: 'M8 2 14 5 8 8 2 5 8 2ZM2 8l6 3 6-3M2 11l6 3 6-3',
  inbox: 'M2 9.5 4 3h8l2 6.5M2 9.5V13h12V9.5M2 9.5h3.5l1 1.5h3l1-1.5H14',
  scroll: 'M4 2.5h7.5v11H4ZM6 5.5h3.5M6 8h3.5M6 10.5h2',
  gear: 'M8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4ZM8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4',
  upload: 'M8 11V3m0 0L5 6m3-3 3 3M3 11v2.5h10V11',
  download: 'M8 3v8m0 0L5 8m3 3 3-3M3 11v2.5h10V11',
  file: 'M4 1.5h5.5l3 3v10H4ZM9.5 1.5v3h3',
  key: 'M6 10a3.5 3.5 0 1 1 2.9-1.6L14 13.5M11.5 11l1.5-1.5M6 6.5v.1',
  plus: 'M8 3v10M3 8h10',
  refresh: 'M13 8a5 5 0 1 1-1.5-3.6M13 2.5v2.5h-2.5',
  shield: 'M8 1.8 13 3.8V8c0 3-2.2 5.2-5 6.2C5.2 13.2 3 11 3 8V3.8L8 1.8Z',
  user: 'M8 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6ZM2.5 14a5.5 5.5 0 0 1 11 0',
  signOut: 'M6 14H3V2h3M10.5 11 13.5 8l-3-3M13.5 8H6',
  minus: 'M3.5 8h9',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, label, size = 16, className }: { name: IconName; label?: string; size?: number; className?: string }): ReactElement {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? 'img' : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

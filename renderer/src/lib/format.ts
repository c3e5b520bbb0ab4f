// Numbers, percentages and dates for the user's locale (Intl). Formatters are
// cached: building an Intl object costs far more than using one.

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

/** The user's locale; the OS language Chromium reports. */
export function userLocale(): string | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.language || undefined;
}

function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `n:${key}`;
  let format = cache.get(id) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(userLocale(), options);
    cache.set(id, format);
  }
  return format;
}

function dateFormat(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `d:${key}`;
  let format = cache.get(id) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(userLocale(), options);
    cache.set(id, format);
  }
  return format;
}

const MINUS = '\u2212';

/** Integers and counts: 100,000. */
export function formatInteger(value: number): string {
  return numberFormat('int', { maximumFractionDigits: 0 }).format(value);
}

/** A metric value: four significant digits, so 0.4123 and 31.27 both read well. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat('metric', { maximumSignificantDigits: 4 }).format(value).replace('-', MINUS);
}

/** A signed difference: +0.0123, −1.5, 0. */
export function formatSignedMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat('signed', { maximumSignificantDigits: 3, signDisplay: 'exceptZero' }).format(value).replace('-', MINUS);
}

/** A fraction as a percentage: 0.0123 -> 1.23 %. */
export function formatPercent(fraction: number | null | undefined, signed = false): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  const options: Intl.NumberFormatOptions = { style: 'percent', maximumFractionDigits: 2 };
  if (signed) options.signDisplay = 'exceptZero';
  return numberFormat(signed ? 'pct-signed' : 'pct', options).format(fraction).replace('-', MINUS);
}

/** A whole percentage of traffic: 25 -> 25 %. */
export function formatTraffic(pct: number): string {
  return numberFormat('traffic', { style: 'percent', maximumFractionDigits: 0 }).format(pct / 100);
}

/** Date and time in the user's zone: 12 Mar 2026, 14:05. */
export function formatDateTime(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? dateFormat('datetime', { dateStyle: 'medium', timeStyle: 'short' }).format(date) : '—';
}

/** Date only: 12 Mar 2026. */
export function formatDate(iso: string | null | undefined): string {
  const date = parse(iso);
  return date ? dateFormat('date', { dateStyle: 'medium' }).format(date) : '—';
}

/** A calendar date (YYYY-MM-DD) is a day, not an instant: formatted in UTC so no zone shifts it. */
export function formatCalendarDate(day: string | null | undefined): string {
  if (!day) return '—';
  const date = parse(`${day}T00:00:00Z`);
  return date ? dateFormat('calendar', { dateStyle: 'medium', timeZone: 'UTC' }).format(date) : day;
}

const RELATIVE_STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.34524],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "3 minutes ago", "in 2 hours", relative to `now`. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  const date = parse(iso);
  if (!date) return '—';
  let amount = (date.getTime() - now) / 1000;
  // A server clock a little ahead (or a "now" a few seconds old) must not say "in 5 seconds".
  if (amount > 0 && amount < 60) amount = 0;
  let format = cache.get('r') as Intl.RelativeTimeFormat | undefined;
  if (!format) {
    format = new Intl.RelativeTimeFormat(userLocale(), { numeric: 'auto' });
    cache.set('r', format);
  }
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) return format.format(Math.round(amount), unit);
    amount /= size;
  }
  return format.format(Math.round(amount), 'year');
}

/** A countdown: 59:07, or 1:02:03 past an hour; 0:00 once due. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** An age in words for lists: "12 min", "3 h", "2 d". */
export function formatAge(iso: string | null | undefined, now: number = Date.now()): string {
  const date = parse(iso);
  if (!date) return '—';
  const seconds = Math.max(0, (now - date.getTime()) / 1000);
  const unit = (value: number, name: 'second' | 'minute' | 'hour' | 'day') =>
    numberFormat(`age-${name}`, { style: 'unit', unit: name, unitDisplay: 'narrow', maximumFractionDigits: 0 }).format(value);
  if (seconds < 60) return unit(seconds, 'second');
  if (seconds < 3600) return unit(seconds / 60, 'minute');
  if (seconds < 86400) return unit(seconds / 3600, 'hour');
  return unit(seconds / 86400, 'day');
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

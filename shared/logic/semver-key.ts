// A text key whose byte order is semantic-version precedence (semver.org §11):
// what the database sorts a model's versions by (migration 051), so "newest
// version first" is an index range scan rather than a sort in memory.
// Build metadata is ignored, as the spec says: versions differing only in it
// get the same key (the list breaks such ties by registration order).

/** Digits without leading zeros, prefixed with their count: longer numbers sort after shorter ones. */
function numberKey(digits: string): string {
  const trimmed = digits.replace(/^0+(?=\d)/, '');
  return `${String(trimmed.length).padStart(3, '0')}${trimmed}`;
}

/**
 * `major.minor.patch` as length-prefixed numbers, then `~` for a release or
 * `-` and the pre-release identifiers (a release ranks above its
 * pre-releases: `-` < `~`). Identifiers are joined by `!`, below every
 * character an identifier may hold, so a shorter list ranks first; numeric
 * identifiers (`0` + number) rank below alphanumeric ones (`1` + text).
 */
export function semverSortKey(version: string): string {
  const [withoutBuild = ''] = version.split('+');
  const dash = withoutBuild.indexOf('-');
  const core = (dash < 0 ? withoutBuild : withoutBuild.slice(0, dash)).split('.');
  const key = core.map((part) => numberKey(part)).join('.');
  if (dash < 0) return `${key}~`;
  const identifiers = withoutBuild
    .slice(dash + 1)
    .split('.')
    .map((identifier) => (/^\d+$/.test(identifier) ? `0${numberKey(identifier)}` : `1${identifier}`));
  return `${key}-${identifiers.join('!')}`;
}

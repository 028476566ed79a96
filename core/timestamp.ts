/**
 * Times in Ogygia's formats are RFC 3339 in UTC (`2026-11-21T10:00:00Z`,
 * fraction optional) on a real calendar date: `Date.parse` alone would take
 * 2027-02-30 and roll it over to March.
 */
const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/** Pure: `s` is an RFC 3339 UTC time (`2026-11-21T10:00:00Z`, fraction optional) on a real calendar date. */
export function isUtcTimestamp(s: string): boolean {
  const m = RFC3339_UTC.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

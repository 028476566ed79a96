import { InvalidQueryError } from '../../core/errors/index.js';
import { CHANNEL_NAME } from '../../core/release.js';
import { HOST_STATES, type HostRow, type HostState } from '../../core/wire/host-row.js';

/**
 * Pure decisions of the fleet dashboard: which hosts come first, which ones a
 * filter keeps, which page is shown. The routes (routes/dashboard.ts) parse
 * the query with `parseDashboardQuery` and render what `selectHosts` returns.
 */

/** Rows per page of `/`. */
export const PAGE_SIZE = 100;
/** The highest `?page=` taken (a million hosts at 100 a page would need 10,000). */
export const MAX_PAGE = 100_000;
/** The longest `?q=` taken: a host name label is at most 63 characters. */
export const MAX_SEARCH = 63;

/** Problems first: what needs an operator, then what is moving, then what is fine. */
export const STATE_RANK: Readonly<Record<HostState, number>> = {
  failed: 0,
  'boot-failed': 1,
  'rolled-back': 2,
  stale: 3,
  'reboot-required': 4,
  applying: 5,
  pending: 6,
  'in-sync': 7,
};

/**
 * Pure: problems first (failed, boot-failed, rolled-back, stale, reboot-required, applying, pending, in-sync);
 * within a state the newest report first (the store keeps no state-change time,
 * so the time the host last reported is the closest thing); then by host name.
 * Returns a new array.
 */
export function problemsFirst(rows: readonly HostRow[]): HostRow[] {
  return [...rows].sort(
    (a, b) =>
      STATE_RANK[a.state] - STATE_RANK[b.state] ||
      (a.reportedAt < b.reportedAt ? 1 : a.reportedAt > b.reportedAt ? -1 : 0) ||
      (a.host < b.host ? -1 : a.host > b.host ? 1 : 0),
  );
}

export interface DashboardQuery {
  readonly state?: HostState;
  readonly channel?: string;
  /** A host-name fragment, matched case-insensitively. */
  readonly q?: string;
  /** 1-based. */
  readonly page: number;
}

const SEARCH = /^[A-Za-z0-9._-]*$/;

function one(raw: Readonly<Record<string, unknown>>, parameter: 'state' | 'channel' | 'q' | 'page', expected: string): string | undefined {
  const v = raw[parameter];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new InvalidQueryError({ parameter, value: Array.isArray(v) ? v.join(',') : String(v), expected: `${expected}, given once` });
  return v;
}

/** Pure: the query string of `/` (as fastify parses it) → a checked query; an empty value is no filter; a bad value throws InvalidQueryError. */
export function parseDashboardQuery(raw: Readonly<Record<string, unknown>>): DashboardQuery {
  const stateExpected = `one of ${HOST_STATES.join(', ')}`;
  const state = one(raw, 'state', stateExpected);
  if (state && !(HOST_STATES as readonly string[]).includes(state)) throw new InvalidQueryError({ parameter: 'state', value: state, expected: stateExpected });
  const channel = one(raw, 'channel', 'a channel name');
  if (channel && !CHANNEL_NAME.test(channel)) throw new InvalidQueryError({ parameter: 'channel', value: channel, expected: 'a channel name (lowercase letters, digits, ".", "_", "-")' });
  const q = one(raw, 'q', 'a host-name fragment')?.trim();
  if (q && (q.length > MAX_SEARCH || !SEARCH.test(q))) {
    throw new InvalidQueryError({ parameter: 'q', value: q, expected: `a host-name fragment (letters, digits, ".", "_", "-"; at most ${MAX_SEARCH})` });
  }
  const pageText = one(raw, 'page', `a page number from 1 to ${MAX_PAGE}`);
  const page = pageText === undefined || pageText === '' ? 1 : /^[1-9][0-9]{0,5}$/.test(pageText) ? Number(pageText) : NaN;
  if (!(page >= 1 && page <= MAX_PAGE)) throw new InvalidQueryError({ parameter: 'page', value: pageText ?? '', expected: `a page number from 1 to ${MAX_PAGE}` });
  return { ...(state ? { state: state as HostState } : {}), ...(channel ? { channel } : {}), ...(q ? { q } : {}), page };
}

export interface HostPage {
  /** The rows of the asked page, problems first. */
  readonly rows: readonly HostRow[];
  /** Hosts the filter keeps, on all pages. */
  readonly matched: number;
  readonly page: number;
  /** At least 1. */
  readonly pages: number;
}

/** Pure: the rows a query's filters keep (state, channel, name fragment, each when given), in their order. */
export function matchHosts(rows: readonly HostRow[], query: Omit<DashboardQuery, 'page'>): HostRow[] {
  const q = query.q?.toLowerCase();
  return rows.filter(
    (r) => (!query.state || r.state === query.state) && (!query.channel || r.channel === query.channel) && (!q || r.host.toLowerCase().includes(q)),
  );
}

/** Pure: filter (state, channel, name fragment), order problems first, cut one page. */
export function selectHosts(rows: readonly HostRow[], query: DashboardQuery, pageSize = PAGE_SIZE): HostPage {
  const kept = matchHosts(rows, query);
  const ordered = problemsFirst(kept);
  const start = (query.page - 1) * pageSize;
  return { rows: ordered.slice(start, start + pageSize), matched: kept.length, page: query.page, pages: Math.max(1, Math.ceil(kept.length / pageSize)) };
}

/** Pure: the address of `/` with this query, changed by `over` (undefined drops a parameter; page 1 is left out). */
export function dashboardHref(query: DashboardQuery, over: Partial<Record<'state' | 'channel' | 'q' | 'page', string | number | undefined>> = {}): string {
  const merged: Record<string, string | number | undefined> = { state: query.state, channel: query.channel, q: query.q, page: query.page, ...over };
  const params = new URLSearchParams();
  for (const k of ['state', 'channel', 'q', 'page'] as const) {
    const v = merged[k];
    if (v === undefined || v === '' || (k === 'page' && Number(v) === 1)) continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `/?${s}` : '/';
}

import { readBodyCapped } from '../../core/bounded-body.js';
import { wireProblems } from '../../core/wire/problems.js';
import { OversizeError, ReconcilerUnavailableError } from '../../core/errors/index.js';
import { type ChannelList, channelListSchema } from '../../core/wire/channel-list.js';

/** The largest `GET /v1/channels` answer read (a few hundred channels take a few hundred KiB). */
export const MAX_CHANNEL_LIST_BYTES = 8 * 1024 * 1024;

const ROUTE = '/v1/channels';

/**
 * Pure: a `GET /v1/channels` body read through its schema
 * (core/wire/channel-list.ts): the list, or the problems (`path: message`)
 * that make it something else, each without control characters and at most
 * 200 characters (field names come from the body and end up on a terminal).
 */
export function readChannelListBody(body: unknown): { list: ChannelList } | { problems: string[] } {
  const parsed = channelListSchema.safeParse(body);
  if (parsed.success) return { list: parsed.data };
  return { problems: wireProblems(parsed.error) };
}

/**
 * Ask a reconciler for `GET <url>/v1/channels`, bounded by `timeoutSeconds`
 * (connect and body) and MAX_CHANNEL_LIST_BYTES. No answer, an error status,
 * a body that is not JSON or is off the schema: a ReconcilerUnavailableError
 * with its reason; a body over the cap: an OversizeError.
 */
export async function fetchChannelList(url: string, timeoutSeconds: number): Promise<ChannelList> {
  const at = { url, route: ROUTE };
  const endpoint = `${url.replace(/\/+$/, '')}${ROUTE}`;
  let res: Response;
  let text: string;
  try {
    const signal = AbortSignal.timeout(Math.max(1, Math.round(timeoutSeconds * 1000)));
    res = await fetch(endpoint, { headers: { accept: 'application/json' }, signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new ReconcilerUnavailableError({ reason: 'status', ...at, status: res.status });
    }
    text = await readBodyCapped(res, MAX_CHANNEL_LIST_BYTES, `the reconciler's ${ROUTE}`);
  } catch (e) {
    if (e instanceof ReconcilerUnavailableError || e instanceof OversizeError) throw e;
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new ReconcilerUnavailableError({ reason: 'unreachable', ...at, timeoutSeconds, cause });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ReconcilerUnavailableError({ reason: 'not-json', ...at });
  }
  const read = readChannelListBody(body);
  if ('problems' in read) throw new ReconcilerUnavailableError({ reason: 'shape', ...at, problems: read.problems });
  return read.list;
}

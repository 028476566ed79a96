import { OversizeError } from '../../core/errors/index.js';
import type { PublicKey } from '../../core/keys.js';
import { matchesHash, parseNarInfo, verifiedSigners, type NarInfo } from '../../core/narinfo.js';
import { peerGet, readPeerText } from './http.js';

/** A narinfo is a few hundred bytes; a peer's answer is read no further than this. */
export const MAX_NARINFO_BYTES = 64 * 1024;

/** Header that marks a request from another irisd: answer from the local store only, never ask further peers. */
export const HOP_HEADER = 'x-iris-hop';

export type PeerAnswer =
  | { readonly kind: 'offer'; readonly peer: string; readonly narinfo: NarInfo; readonly signers: readonly string[] }
  | { readonly kind: 'untrusted'; readonly peer: string; readonly narinfo: NarInfo }
  | { readonly kind: 'bad'; readonly peer: string; readonly reason: string }
  | { readonly kind: 'missing'; readonly peer: string }
  | { readonly kind: 'unreachable'; readonly peer: string; readonly reason: string };

/**
 * Ask one peer for a narinfo (local answer only) and judge it: it must parse,
 * be for the hash asked, carry an uncompressed NAR, and bear a signature that
 * verifies against one of the trusted keys.
 */
export async function askPeer(peer: string, hash: string, trusted: readonly PublicKey[], timeoutMs: number): Promise<PeerAnswer> {
  let text: string;
  const deadline = Date.now() + timeoutMs;
  try {
    const res = await peerGet(`${peer}/${hash}.narinfo`, { headers: { [HOP_HEADER]: '1' }, timeoutMs });
    if (res.statusCode === 404) {
      res.resume(); // drain it, so the connection goes back to the agent
      return { kind: 'missing', peer };
    }
    if (res.statusCode !== 200) {
      res.resume();
      return { kind: 'unreachable', peer, reason: `HTTP ${res.statusCode}` };
    }
    text = await readPeerText(res, MAX_NARINFO_BYTES, `${peer}'s narinfo for ${hash}`, Math.max(1, deadline - Date.now()));
  } catch (e) {
    if (e instanceof OversizeError) return { kind: 'bad', peer, reason: 'narinfo larger than 64 KiB' };
    return { kind: 'unreachable', peer, reason: (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e as Error).message };
  }
  const parsed = parseNarInfo(text);
  if (!parsed.ok) return { kind: 'bad', peer, reason: `malformed narinfo: ${parsed.error}` };
  const n = parsed.value;
  if (!matchesHash(n, hash)) return { kind: 'bad', peer, reason: `narinfo is for ${n.storePath}, not ${hash}` };
  if (n.compression !== 'none') return { kind: 'bad', peer, reason: `NAR compression ${n.compression} is not supported between peers` };
  const signers = verifiedSigners(n, trusted);
  if (signers.length === 0) return { kind: 'untrusted', peer, narinfo: n };
  return { kind: 'offer', peer, narinfo: n, signers };
}

/**
 * Ask every candidate peer in parallel; resolve with the first trusted offer
 * as soon as it arrives, or with every answer once all have answered (each is
 * bounded by `timeoutMs`, so this never waits longer than that).
 */
export function firstOffer(
  peers: readonly string[],
  hash: string,
  trusted: readonly PublicKey[],
  timeoutMs: number,
): Promise<{ offer?: Extract<PeerAnswer, { kind: 'offer' }>; answers: PeerAnswer[] }> {
  return new Promise((resolve) => {
    const answers: PeerAnswer[] = [];
    let done = false;
    if (peers.length === 0) resolve({ answers });
    for (const p of peers) {
      void askPeer(p, hash, trusted, timeoutMs).then((a) => {
        answers.push(a);
        if (done) return;
        if (a.kind === 'offer') {
          done = true;
          resolve({ offer: a, answers });
        } else if (answers.length === peers.length) {
          done = true;
          resolve({ answers });
        }
      });
    }
  });
}

/** Ask every candidate and return all answers (for /iris/v1/providers). */
export function allAnswers(peers: readonly string[], hash: string, trusted: readonly PublicKey[], timeoutMs: number): Promise<PeerAnswer[]> {
  return Promise.all(peers.map((p) => askPeer(p, hash, trusted, timeoutMs)));
}

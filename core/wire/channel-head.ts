import { z } from 'zod';
import { MAX_CHAIN_RELEASES } from '../release-chain.js';
import { commitField, digestField } from './fields.js';

/**
 * The answer to `GET /v1/channels/:channel` (DESIGN.md §4, §12): the channel
 * file exactly as committed, the commit that introduced it, its digest and,
 * for an agent that asked with `?since=N` and is more than one revision
 * behind, the file's versions in between as committed text. The reconciler
 * builds it with `channelHeadBody` (so the document's bytes are the
 * committed ones, not a re-serialisation); the agent reads it through
 * `channelHeadSchema`. Nothing here is trusted: the agent verifies the
 * document and the chain itself.
 */
export const channelHeadSchema = z.object({
  document: z.unknown().refine((d) => d !== undefined && d !== null, 'must be the channel file'),
  commit: commitField,
  digest: digestField,
  chain: z.array(z.string()).max(MAX_CHAIN_RELEASES).optional(),
});

export type ChannelHeadAnswer = z.output<typeof channelHeadSchema>;

/** The answer's JSON text, with the committed document text embedded as is (it parsed as JSON when it was accepted). */
export function channelHeadBody(documentText: string, commit: string, digest: string, chain?: readonly string[]): string {
  return `{"document":${documentText.trim()},"commit":${JSON.stringify(commit)},"digest":${JSON.stringify(digest)}${chain === undefined ? '' : `,"chain":${JSON.stringify(chain)}`}}`;
}

import { WrongChannelError } from '../../core/errors/index.js';
import { type ChannelDocument, parseChannelDocument } from '../../core/release.js';

/**
 * Pure: a channel file the operator's tools read (the work tree for
 * publish, approve and rollback; git history for `history`), bound to the
 * channel its name says. A release of another channel is the
 * WrongChannelError the one verifier gives (core/verify/pipeline.ts), so
 * `publish` and `verify` name the same defect with the same code.
 */
export function parseChannelFile(bytes: string | Uint8Array, file: string, channel: string): ChannelDocument {
  const doc = parseChannelDocument(bytes, { file });
  const r = doc.release;
  if (r.channel !== channel) throw new WrongChannelError({ file, expected: channel, actual: r.channel, revision: r.revision });
  return doc;
}

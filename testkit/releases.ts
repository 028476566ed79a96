import { formatChannelDocument, type ChannelDocument, type Release } from '../core/release.js';
import { generateSecretKey, type SecretKey } from '../core/keys.js';
import { nextRelease, type PublishRequest } from '../cli/repo/publish.js';
import { releaseDigest, signRelease } from '../core/signing.js';

/** TEST-ONLY keys, generated fresh per run: never use them (or keys like them) outside tests. */
export function testKey(name = 'test-only-ops-1'): SecretKey {
  return generateSecretKey(name);
}

export const SOURCE_REV = 'a'.repeat(40);

/** A fake but well-formed store path (32 nix32 characters). */
export function fakeStorePath(name: string, n = 0): string {
  const alphabet = '0123456789abcdfghijklmnpqrsvwxyz';
  let h = '';
  for (let i = 0; i < 32; i++) h += alphabet[(n * 7 + i * 13 + name.length) % 32];
  return `/nix/store/${h}-${name}`;
}

/** A chain of signed releases, built with the same core functions `ogygia publish` uses. */
export class ReleaseChain {
  private head: { doc: ChannelDocument; digest: string } | undefined;
  constructor(readonly channel: string, readonly keys: readonly SecretKey[]) {}

  next(req: Partial<PublishRequest> & { targets: Record<string, string> }, signWith: readonly SecretKey[] = this.keys): { doc: ChannelDocument; digest: string; text: string } {
    const release: Release = nextRelease(this.head, {
      channel: this.channel,
      sourceRevision: SOURCE_REV,
      issuedAt: new Date('2026-01-01T00:00:00Z'),
      ...req,
    });
    const doc: ChannelDocument = { release, signatures: signWith.map((k) => signRelease(release, k)) };
    const digest = releaseDigest(release);
    this.head = { doc, digest };
    return { doc, digest, text: formatChannelDocument(doc) };
  }
}

export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

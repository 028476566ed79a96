import { OversizeError } from './errors/index.js';

/**
 * Read an HTTP response body as text, at most `cap` bytes: the declared
 * Content-Length is checked first, then the bytes as they stream, and the
 * stream is cancelled the moment the cap is passed — so an endless or huge
 * answer costs at most `cap` bytes of memory (DESIGN.md §15).
 */
export async function readBodyCapped(res: Response, cap: number, what: string): Promise<string> {
  return Buffer.from(await readBodyCappedBytes(res, cap, what)).toString('utf8');
}

/** As readBodyCapped, for a binary body (a NAR): the bytes, at most `cap` of them. */
export async function readBodyCappedBytes(res: Response, cap: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const over = (bytes: number, declared: boolean): OversizeError => new OversizeError({ kind: 'answer', what, bytes, limit: cap, declared });
  if (Number.isFinite(declared) && declared > cap) {
    await res.body?.cancel().catch(() => {});
    throw over(declared, true);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw over(total, false);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

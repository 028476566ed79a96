/**
 * Poll until `fn` returns a value that is not undefined (errors count as "not
 * yet"), or fail after `timeoutMs` naming `what` and the last error. No timing
 * assertion: the bound only turns a hang into a clear failure.
 */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Peers left out for a while after serving a corrupt NAR or a bad narinfo. Pure: the clock is passed in. */
export class BadPeers {
  private readonly until = new Map<string, number>();

  mark(url: string, now: number, forMs: number): void {
    this.until.set(url, now + forMs);
  }

  isBad(url: string, now: number): boolean {
    const t = this.until.get(url);
    if (t === undefined) return false;
    if (t <= now) {
      this.until.delete(url);
      return false;
    }
    return true;
  }
}

/**
 * Long-poll waiters per channel. A waiter is released with `true` when the
 * channel's head changes, or `false` when its time is up or the server
 * stops. One timer per waiter; releasing a channel wakes all of them at once.
 */
export interface Waiters {
  /** `gone` lets the caller end the wait early (client went away): it then resolves `false`. */
  wait(channel: string, ms: number, gone?: (stop: () => void) => void): Promise<boolean>;
  release(channel: string): void;
  /** Wake every waiter (shutdown): they answer as if their time were up. */
  closeAll(): void;
  readonly count: number;
}

export function createWaiters(): Waiters {
  const byChannel = new Map<string, Set<(changed: boolean) => void>>();
  let count = 0;
  return {
    wait(channel, ms, gone) {
      return new Promise<boolean>((resolve) => {
        let set = byChannel.get(channel);
        if (!set) byChannel.set(channel, (set = new Set()));
        const done = (changed: boolean): void => {
          clearTimeout(timer);
          if (set!.delete(done)) count--;
          if (set!.size === 0 && byChannel.get(channel) === set) byChannel.delete(channel);
          resolve(changed);
        };
        const timer = setTimeout(() => done(false), ms);
        set.add(done);
        count++;
        gone?.(() => done(false));
      });
    },
    release(channel) {
      const set = byChannel.get(channel);
      if (!set) return;
      byChannel.delete(channel);
      for (const done of [...set]) done(true);
    },
    closeAll() {
      for (const [channel, set] of [...byChannel]) {
        byChannel.delete(channel);
        for (const done of [...set]) done(false);
      }
    },
    get count() {
      return count;
    },
  };
}

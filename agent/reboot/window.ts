/**
 * Pure: the `[reboot] window` of agent.toml (DESIGN.md §13): `"HH:MM-HH:MM"`
 * in the host's local time, start included, end excluded; a window whose end
 * is before its start wraps midnight (`"23:00-01:30"`). No window means any
 * time.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A window as milliseconds after local midnight: `start` ≠ `end`; `end < start` wraps midnight. */
export interface RebootWindow {
  readonly start: number;
  readonly end: number;
}

const WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** What a window string must look like, for config errors. */
export const WINDOW_HINT = 'must be a local time window "HH:MM-HH:MM" such as "02:00-04:00" (it may wrap midnight: "23:00-01:00")';

/** Parse `"HH:MM-HH:MM"`; a string saying what is wrong when it is not a window. */
export function parseWindow(text: string): RebootWindow | string {
  const m = WINDOW.exec(text);
  if (!m) return WINDOW_HINT;
  const start = (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  const end = (Number(m[3]) * 60 + Number(m[4])) * 60_000;
  if (start === end) return 'must not start and end at the same minute (leave window out to allow any time)';
  return { start, end };
}

/** The canonical text of a window (what parseWindow reads back to the same window). */
export function formatWindow(w: RebootWindow): string {
  const hm = (ms: number): string => {
    const min = Math.floor(ms / 60_000);
    return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  };
  return `${hm(w.start)}-${hm(w.end)}`;
}

/** Milliseconds since local midnight of a date. */
export function msOfDay(d: Date): number {
  return ((d.getHours() * 60 + d.getMinutes()) * 60 + d.getSeconds()) * 1000 + d.getMilliseconds();
}

/** Whether a time of day (ms after local midnight) is inside the window; no window is always inside. */
export function insideWindow(w: RebootWindow | undefined, t: number): boolean {
  if (w === undefined) return true;
  return w.start < w.end ? t >= w.start && t < w.end : t >= w.start || t < w.end;
}

/** Milliseconds from `t` (inside the window) until the window closes; 0 outside it; Infinity without a window. */
export function msLeftInWindow(w: RebootWindow | undefined, t: number): number {
  if (w === undefined) return Infinity;
  if (!insideWindow(w, t)) return 0;
  return (((w.end - t) % DAY_MS) + DAY_MS) % DAY_MS;
}

/**
 * How long a git-source agent (no reconciler to hand out slots) waits before
 * it reboots, so a fleet does not reboot at one instant: a random part
 * (`random` in [0, 1)) of what is left of the window. Without a window, and
 * outside one, there is nothing to spread over: 0.
 */
export function rebootDelayMs(w: RebootWindow | undefined, t: number, random: number): number {
  const left = msLeftInWindow(w, t);
  if (left === 0 || left === Infinity) return 0;
  return Math.floor(Math.min(Math.max(random, 0), 0.999999) * left);
}

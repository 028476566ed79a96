/**
 * Quick mode for the benchmarks: `--quick` on the command line or
 * OGYGIA_BENCH_QUICK=1 in the environment. Each benchmark then runs for
 * seconds with tiny sizes and still prints its same-run ratios, so
 * `npm run bench:quick` (and .ci/run) fails when a benchmark no longer runs.
 * Quick mode has no thresholds: its figures are not the README's.
 */
export const QUICK = process.env.OGYGIA_BENCH_QUICK === '1' || process.argv.includes('--quick');

/** The command line's positional arguments (flags such as `--quick` left out). */
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));

/** Positional argument `i` (0-based) as a number, else `full`, or `quick` in quick mode. */
export function argNumber(i: number, full: number, quick: number): number {
  const given = positional[i];
  return given !== undefined ? Number(given) : QUICK ? quick : full;
}

/** Environment variable `name` as a number, else `full`, or `quick` in quick mode. */
export function envNumber(name: string, full: number, quick: number): number {
  const given = process.env[name];
  return given !== undefined && given !== '' ? Number(given) : QUICK ? quick : full;
}

/** Median and spread (min–max) of several runs, for printing. */
export function summary(xs: readonly number[], digits = 2): { median: number; min: number; max: number; text: string } {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  const min = s[0] ?? NaN;
  const max = s[s.length - 1] ?? NaN;
  return { median, min, max, text: `median ${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)}, n=${s.length})` };
}

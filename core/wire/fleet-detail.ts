import { z } from 'zod';
import { reportSchema, type Report } from './report.js';

/**
 * The JSON an agent writes to the fleet store key `<namespace>/<host>/agent`
 * (etcd or ZooKeeper, DESIGN.md §5) and `ogygia status --wide` reads: its
 * report without the host (the key names it) and without `current`,
 * `booted`, `nextboot` (those are the plain-string keys beside it), and
 * without `seq` (the reconciler's replay guard for signed reports).
 */
export const fleetDetailSchema = reportSchema.omit({ host: true, current: true, booted: true, nextboot: true, seq: true });
export type FleetDetail = z.output<typeof fleetDetailSchema>;

/** Pure: the fleet detail of a report. */
export function fleetDetailOf(report: Report): FleetDetail {
  const { host: _h, current: _c, booted: _b, nextboot: _n, seq: _s, ...detail } = report;
  return detail;
}

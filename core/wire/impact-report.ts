import { z } from 'zod';
import { STORE_PATH } from '../store-path.js';

/**
 * The JSON of an impact report (DESIGN.md §14), printed by `ogygia diff --json`
 * and in `ogygia verify --base --json` (`diff`), read by CI jobs. Exactly these
 * keys: strict objects, so a drift on either side fails its schema.
 */
const storePath = z.string().regex(STORE_PATH);
const count = z.number().int().min(0);

export const packageChangeSchema = z.strictObject({
  /** Package name as nvd splits it from the store path name. */
  name: z.string(),
  /** Versions before, oldest first, one per store path ("" when the path has none). */
  from: z.array(z.string()),
  to: z.array(z.string()),
});

export const packageVersionsSchema = z.strictObject({ name: z.string(), versions: z.array(z.string()) });

export const impactGroupSchema = z.strictObject({
  /** Host names, and `*` for every host without its own target. */
  hosts: z.array(z.string()).min(1),
  fromPath: storePath.nullable(),
  toPath: storePath.nullable(),
  changed: z.array(packageChangeSchema),
  added: z.array(packageVersionsSchema),
  removed: z.array(packageVersionsSchema),
  closure: z.strictObject({ fromPaths: count, toPaths: count, fromBytes: count, toBytes: count }),
  rebootRequired: z.boolean(),
  rebootReasons: z.array(z.string()),
});

export const impactReportSchema = z.strictObject({
  channel: z.string(),
  /** The revision before; null for a channel's first release. */
  from: z.number().int().min(1).nullable(),
  to: z.number().int().min(1),
  groups: z.array(impactGroupSchema),
});

export type ImpactReportJson = z.output<typeof impactReportSchema>;
export type ImpactGroupJson = z.output<typeof impactGroupSchema>;

import type { ImpactReportJson } from '../wire/impact-report.js';
import type { ChannelReport } from './report.js';

/** Pure: a report as the JSON of DESIGN.md §14, with exactly its keys (core/wire/impact-report.ts). */
export function toImpactJson(r: ChannelReport): ImpactReportJson {
  return {
    channel: r.channel,
    from: r.from,
    to: r.to,
    groups: r.groups.map((g) => ({
      hosts: [...g.hosts],
      fromPath: g.fromPath,
      toPath: g.toPath,
      changed: g.changed.map((c) => ({ name: c.name, from: [...c.from], to: [...c.to] })),
      added: g.added.map((a) => ({ name: a.name, versions: [...a.versions] })),
      removed: g.removed.map((a) => ({ name: a.name, versions: [...a.versions] })),
      closure: { fromPaths: g.closure.fromPaths, toPaths: g.closure.toPaths, fromBytes: g.closure.fromBytes, toBytes: g.closure.toBytes },
      rebootRequired: g.rebootRequired,
      rebootReasons: [...g.rebootReasons],
    })),
  };
}

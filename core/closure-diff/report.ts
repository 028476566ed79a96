import { type ClosureDiff, diffClosures } from './diff.js';
import type { ClosureSource } from './source.js';
import { type ChannelImpact, transitionGroups } from './transitions.js';

/** One group of hosts with the same transition and what it changes (DESIGN.md §14). */
export interface GroupReport extends ClosureDiff {
  readonly hosts: readonly string[];
  readonly fromPath: string | null;
  readonly toPath: string | null;
}

/** What a release changes on a channel, per group of hosts. */
export interface ChannelReport {
  readonly channel: string;
  /** The revision before (null for a channel's first release). */
  readonly from: number | null;
  readonly to: number;
  readonly groups: readonly GroupReport[];
  /** Targets whose system stays the same (`*` included when it does). */
  readonly unchanged: readonly string[];
}

const EMPTY = { changed: [], added: [], removed: [], rebuilt: [] } as const;

/**
 * The report of a channel's transition (`computeImpact(before, after)`): each changing group's closures and boot
 * links are read through `source` (shared paths are read once when the source
 * caches, as the cache source does), then diffed. A group with no system
 * before (a new host or channel) or after (no longer targeted) gets its
 * closure totals only: listing every package of a whole system would bury the
 * change a reviewer is looking for.
 */
export async function buildChannelReport(impact: ChannelImpact, source: ClosureSource): Promise<ChannelReport> {
  const { groups, unchanged } = transitionGroups(impact);
  const reports = await Promise.all(
    groups.map(async (g): Promise<GroupReport> => {
      const [from, to] = await Promise.all([g.fromPath ? source.closure(g.fromPath) : [], g.toPath ? source.closure(g.toPath) : []]);
      if (!g.fromPath || !g.toPath) {
        const sum = (c: readonly { narSize: number }[]): number => c.reduce((n, p) => n + p.narSize, 0);
        return {
          ...g,
          ...EMPTY,
          closure: { fromPaths: from.length, toPaths: to.length, fromBytes: sum(from), toBytes: sum(to), pathsAdded: to.length, pathsRemoved: from.length },
          rebootRequired: false,
          rebootReasons: [],
        };
      }
      const [fromLinks, toLinks] = await Promise.all([source.bootLinks(g.fromPath), source.bootLinks(g.toPath)]);
      return { ...g, ...diffClosures({ fromPath: g.fromPath, toPath: g.toPath, from, to, fromLinks, toLinks }) };
    }),
  );
  return { channel: impact.channel, from: impact.fromRevision ?? null, to: impact.toRevision, groups: reports, unchanged };
}

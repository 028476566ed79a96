import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fleetDetailSchema } from '../core/wire/fleet-detail.js';
import { hostRowSchema } from '../core/wire/host-row.js';
import { reportSchema } from '../core/wire/report.js';
import { rebootSlotRequestSchema } from '../core/wire/reboot-slot.js';
import { impactGroupSchema, impactReportSchema } from '../core/wire/impact-report.js';
import { rolloutProgressSchema } from '../core/wire/channel-list.js';

// The field tables in docs/ are held to the core/wire schemas, both ways: a
// field the schema has and the table lacks fails, and so does a documented
// field the schema does not have, or a documented list of states that is not
// the schema's.

const REPO = join(import.meta.dirname, '..');
const doc = (file: string): string => readFileSync(join(REPO, 'docs', file), 'utf8');

/** The lines of the section under `heading` (up to the next heading of the same or a higher level). */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`heading ${JSON.stringify(heading)} not found`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The `| field | type | meaning |` table of a section: documented field → the backticked values of its type cell. */
function fieldTable(lines: readonly string[]): Map<string, string[]> {
  const head = lines.findIndex((l) => /^\|\s*field\s*\|/.test(l));
  if (head < 0) throw new Error('no | field | table in the section');
  const out = new Map<string, string[]>();
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    const ticked = (c: string): string[] => [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const names = ticked(cells[0] ?? '');
    if (names.length !== 1) throw new Error(`a row documents one field: ${line}`);
    if (out.has(names[0]!)) throw new Error(`${names[0]} is documented twice`);
    out.set(names[0]!, ticked(cells[1] ?? ''));
  }
  return out;
}

function unwrap(s: z.ZodType): z.ZodType {
  let t = s;
  while (t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t.unwrap() as z.ZodType;
  return t;
}

/** Every field of a schema, nested objects as `outer.inner`, with the values of an enum field. */
function schemaFields(schema: z.ZodObject, prefix = ''): Map<string, string[] | undefined> {
  const out = new Map<string, string[] | undefined>();
  for (const [key, field] of Object.entries(schema.shape)) {
    const t = unwrap(field as z.ZodType);
    out.set(prefix + key, t instanceof z.ZodEnum ? (t.options as string[]) : undefined);
    if (t instanceof z.ZodObject) for (const [k, v] of schemaFields(t, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

function expectTableMatches(documented: Map<string, string[]>, schema: z.ZodObject): void {
  const fields = schemaFields(schema);
  const undocumented = [...fields.keys()].filter((k) => !documented.has(k));
  const unknown = [...documented.keys()].filter((k) => !fields.has(k));
  expect({ undocumented, unknown }).toEqual({ undocumented: [], unknown: [] });
  for (const [name, values] of fields) if (values) expect(documented.get(name), `the values documented for ${name}`).toEqual(values);
}

describe('docs match the wire schemas (core/wire/)', () => {
  it('docs/api.md documents every report field and no other', () => {
    expectTableMatches(fieldTable(section(doc('api.md'), '### `POST /v1/hosts/:host/reports`')), reportSchema);
  });

  it('docs/api.md documents every GET /v1/hosts row field and no other', () => {
    expectTableMatches(fieldTable(section(doc('api.md'), '### `GET /v1/hosts`')), hostRowSchema);
  });

  it('docs/api.md documents every reboot-slot request field and no other', () => {
    expectTableMatches(fieldTable(section(doc('api.md'), '### `POST /v1/hosts/:host/reboot-slot`')), rebootSlotRequestSchema);
  });

  it('docs/api.md documents every GET /v1/channels rollout progress field and no other', () => {
    expectTableMatches(fieldTable(section(doc('api.md'), '#### Rollout progress')), rolloutProgressSchema);
  });

  it('docs/agent.md documents every <host>/agent fleet detail field and no other', () => {
    expectTableMatches(fieldTable(section(doc('agent.md'), '### Fleet store (`[etcd]` or `[zookeeper]`)')), fleetDetailSchema);
  });

  it('docs/impact.md documents every field of the impact report JSON (DESIGN §14) and no other', () => {
    expectTableMatches(fieldTable(section(doc('impact.md'), '### Report')), impactReportSchema);
    expectTableMatches(fieldTable(section(doc('impact.md'), '### Group')), impactGroupSchema);
  });

  it('the comparison sees a drift in either direction', () => {
    const table = fieldTable(section(doc('api.md'), '### `POST /v1/hosts/:host/reports`'));
    expect(() => expectTableMatches(table, reportSchema.extend({ lastSeen: z.string() }))).toThrow();
    expect(() => expectTableMatches(table, reportSchema.omit({ booted: true }))).toThrow();
    expect(() => expectTableMatches(table, reportSchema.extend({ state: z.enum(['idle', 'applied']) }))).toThrow();
    expect(() => expectTableMatches(table, hostRowSchema)).toThrow();
  });
});

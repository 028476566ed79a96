import { parse as parseTree, type MemberNode, type ValueNode } from '@humanwhocodes/momoa';
import { DuplicateMemberError, FORBIDDEN_MEMBER_NAMES, ForbiddenMemberError, MalformedJsonError, OversizeError } from '../errors/index.js';

/**
 * Strict JSON for signed documents: one text, one meaning. JSON.parse alone
 * accepts a member named twice (keeping the last value) and members that
 * JavaScript treats specially, so a reviewer could read one value while
 * another was signed. Here the text is parsed twice: JSON.parse gives the
 * value (so it is exactly what JSON.parse gives), and momoa's syntax tree,
 * which keeps every member in document order, is searched for the first
 * ambiguity.
 */

/** Nesting deeper than this is refused before the tree is built (a channel file nests 4 levels; momoa recurses per level). */
export const MAX_JSON_DEPTH = 64;

const FORBIDDEN = new Set(FORBIDDEN_MEMBER_NAMES);

/** How deeply arrays and objects nest in `text`, which must already be valid JSON; stops counting past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

function pathOf(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(document)' : path.map(String).join('.');
}

/** The first forbidden or repeated member name in document order, or undefined. */
function firstAmbiguity(node: ValueNode, path: (string | number)[], file: string): DuplicateMemberError | ForbiddenMemberError | undefined {
  if (node.type === 'Array') {
    for (const [i, element] of node.elements.entries()) {
      path.push(i);
      const found = firstAmbiguity(element.value, path, file);
      path.pop();
      if (found) return found;
    }
    return undefined;
  }
  if (node.type !== 'Object') return undefined;
  const seen = new Set<string>();
  for (const member of node.members) {
    const name = memberName(member);
    const at = { file, path: pathOf(path), member: name, line: member.name.loc.start.line, column: member.name.loc.start.column };
    if (FORBIDDEN.has(name)) return new ForbiddenMemberError(at);
    if (seen.has(name)) return new DuplicateMemberError(at);
    seen.add(name);
    path.push(name);
    const found = firstAmbiguity(member.value, path, file);
    path.pop();
    if (found) return found;
  }
  return undefined;
}

function memberName(member: MemberNode): string {
  // In "json" mode a member name is always a string; identifiers exist only in json5 mode.
  return member.name.type === 'String' ? member.name.value : member.name.name;
}

/**
 * Parse JSON text strictly. Returns exactly what `JSON.parse(text)` returns;
 * refuses text JSON.parse refuses (MalformedJsonError), nesting deeper than
 * MAX_JSON_DEPTH (OversizeError), and, anywhere in the document, a member
 * named twice in one object (DuplicateMemberError) or named `__proto__`,
 * `constructor` or `prototype` (ForbiddenMemberError). The first problem in
 * document order is the one thrown. `file` names the document in messages.
 */
export function parseStrictJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new MalformedJsonError({ what: 'channel-file', file, detail: e.message });
  }
  const depth = nestingDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new OversizeError({ kind: 'nesting', file, depth, limit: MAX_JSON_DEPTH });
  }
  let tree;
  try {
    tree = parseTree(text, { mode: 'json', ranges: false, tokens: false });
  } catch (e) {
    // JSON.parse accepted the text, so the two parsers disagree about it: refuse rather than guess.
    if (!(e instanceof Error)) throw e;
    throw new MalformedJsonError({ what: 'channel-file', file, detail: e.message });
  }
  const ambiguity = firstAmbiguity(tree.body, [], file);
  if (ambiguity) throw ambiguity;
  return value;
}

/**
 * The exact source text of the value of the top-level member `name` of the
 * JSON object `text` (the last one when it is named twice, as JSON.parse
 * takes it), or undefined when there is none or the text cannot be read as a
 * tree. For a document carried inside another, such as the reconciler's
 * `{"document": <channel file>, ...}`: the carried bytes are what gets
 * verified, not a re-serialisation that would hide a duplicate member.
 */
export function memberText(text: string, name: string): string | undefined {
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return undefined;
  let tree;
  try {
    tree = parseTree(text, { mode: 'json', ranges: true, tokens: false });
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return undefined;
  }
  if (tree.body.type !== 'Object') return undefined;
  const range = tree.body.members.filter((m) => memberName(m) === name).at(-1)?.value.range;
  return range ? text.slice(range[0], range[1]) : undefined;
}

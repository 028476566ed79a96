import { OgygiaError } from './OgygiaError.js';
import type { JsonMemberAt } from './DuplicateMemberError.js';

/** The member names a JSON document may not use anywhere: JavaScript gives them a meaning of their own. */
export const FORBIDDEN_MEMBER_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * A JSON object has a member named `__proto__`, `constructor` or `prototype`.
 * JavaScript readers may treat such a member as the object's prototype instead
 * of as data, so what one program reads is not what another does: refused.
 */
export class ForbiddenMemberError extends OgygiaError<JsonMemberAt> {
  readonly code = 'ForbiddenMemberError';

  constructor(at: JsonMemberAt) {
    super(
      `${at.file}: member ${JSON.stringify(at.member)} of ${at.path} at line ${at.line}, column ${at.column} is a name JavaScript reserves ` +
        `(${FORBIDDEN_MEMBER_NAMES.join(', ')}) and may be read as something other than data; remove or rename it.`,
      { ...at },
    );
  }
}

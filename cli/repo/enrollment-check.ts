import { ENROLLMENT_FILE, lookAlikeTargets, parseEnrollment } from '../../core/enrollment.js';
import { OgygiaError } from '../../core/errors/index.js';

/** A release target that looks like an enrolled host without being it (DESIGN.md §10–11). */
export interface LookAlikeWarning {
  readonly channel: string;
  readonly target: string;
  readonly enrolled: string;
  readonly message: string;
}

export interface EnrollmentCheck {
  /** How many hosts hosts.toml enrolls; null without a hosts.toml. */
  readonly hosts: number | null;
  /** hosts.toml that cannot be used (InvalidEnrollmentError): merging it would stop every report. */
  readonly problems: readonly OgygiaError[];
  readonly warnings: readonly LookAlikeWarning[];
}

/**
 * Pure: what `ogygia verify` says about hosts.toml at HEAD (its text, or
 * the error reading it gave, e.g. OversizeError): whether it parses, and which release targets only look like an enrolled host — the
 * host enrolled as `web01.dc1.example.com` refuses a release whose target is
 * `web01` (AmbiguousHostError) rather than take it or `"*"`.
 */
export function checkEnrollmentFile(
  text: string | OgygiaError | undefined,
  releases: ReadonlyArray<{ readonly channel: string; readonly targets: readonly string[] }>,
  file = ENROLLMENT_FILE,
): EnrollmentCheck {
  if (text === undefined) return { hosts: null, problems: [], warnings: [] };
  if (text instanceof OgygiaError) return { hosts: null, problems: [text], warnings: [] };
  let enrollment;
  try {
    enrollment = parseEnrollment(text, file);
  } catch (e) {
    if (!(e instanceof OgygiaError)) throw e;
    return { hosts: null, problems: [e], warnings: [] };
  }
  const warnings = releases.flatMap(({ channel, targets }) =>
    lookAlikeTargets(targets, enrollment).map(({ target, enrolled }) => ({
      channel,
      target,
      enrolled,
      message:
        `${channel}: target ${JSON.stringify(target)} is not an enrolled host but looks like ${JSON.stringify(enrolled)} in ${ENROLLMENT_FILE}; ` +
        `that host refuses a release that names it only so (AmbiguousHostError): spell the target as ${ENROLLMENT_FILE} does`,
    })),
  );
  return { hosts: enrollment.hosts.size, problems: [], warnings };
}

import { OgygiaError } from './OgygiaError.js';

export type ServedStateCorruptFields = {
  readonly file: string;
  /** What is wrong: not JSON, or the first problems against its schema. */
  readonly problem: string;
};

/**
 * The reconciler's `served.json` exists but cannot be read as what it served.
 * Starting without it would forget the heads it served and let a rewound
 * branch serve older releases, so the reconciler does not start until an
 * operator restores or removes the file.
 */
export class ServedStateCorruptError extends OgygiaError<ServedStateCorruptFields> {
  readonly code = 'ServedStateCorruptError';

  constructor(f: ServedStateCorruptFields) {
    super(
      `The reconciler's served state ${f.file} is damaged (${f.problem}); restore it from a backup, or delete it to start again from the branch head ` +
        '(check first that the branch was not rewound, as the reconciler then forgets what it served).',
      { ...f },
    );
  }
}

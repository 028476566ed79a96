import { OgygiaError } from './OgygiaError.js';

export type MalformedJsonFields =
  /** A channel file (or another signed document) that JSON.parse refuses. */
  | { readonly what: 'channel-file'; readonly file: string; readonly detail: string }
  /** An HTTP request body. */
  | { readonly what: 'request-body'; readonly detail: string };

/** A channel file, a request body or other JSON document does not parse. */
export class MalformedJsonError extends OgygiaError<MalformedJsonFields> {
  readonly code = 'MalformedJsonError';

  constructor(f: MalformedJsonFields) {
    super(
      f.what === 'channel-file'
        ? `${f.file} is not valid JSON (${f.detail}); fix the syntax or publish it again with \`ogygia publish\`.`
        : `The request body is not valid JSON (${f.detail}); send a JSON object.`,
      { ...f },
    );
  }
}

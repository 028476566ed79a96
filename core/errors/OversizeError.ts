import { OgygiaError } from './OgygiaError.js';

export type OversizeFields =
  /** A channel file over its byte cap (DESIGN.md §3). */
  | { readonly kind: 'channel-file'; readonly file: string; readonly bytes: number; readonly limit: number }
  /** A channel file nesting arrays and objects deeper than any channel file does. */
  | { readonly kind: 'nesting'; readonly file: string; readonly depth: number; readonly limit: number }
  /** An HTTP answer (`what`: whose answer) over its cap: by its Content-Length, or by the bytes read so far. */
  | { readonly kind: 'answer'; readonly what: string; readonly bytes: number; readonly limit: number; readonly declared: boolean }
  /** An HTTP request body over the server's limit. */
  | { readonly kind: 'request'; readonly limit: number };

function sentence(f: OversizeFields): string {
  switch (f.kind) {
    case 'channel-file':
      return `${f.file} is ${f.bytes} bytes, over the ${f.limit}-byte cap; keep one release per channel file and move bulky data elsewhere.`;
    case 'nesting':
      return `${f.file} nests arrays and objects more than ${f.limit} levels deep, which no channel file does; publish it again with \`ogygia publish\`.`;
    case 'answer':
      return `${f.what} is over ${f.limit} bytes (${f.bytes} ${f.declared ? 'declared' : 'so far'}); the sender is broken or hostile, check it or stop using it.`;
    case 'request':
      return `The request body is over the ${f.limit}-byte limit; send less.`;
  }
}

/** A document is larger (or deeper) than its cap. */
export class OversizeError extends OgygiaError<OversizeFields> {
  readonly code = 'OversizeError';

  constructor(f: OversizeFields) {
    super(sentence(f), { ...f });
  }
}

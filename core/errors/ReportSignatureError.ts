import { REPORT_SIGNATURE_HEADER } from '../wire/report-signature.js';
import { OgygiaError } from './OgygiaError.js';

export type ReportSignatureFields = {
  /** The host the report was posted for. */
  readonly host: string;
} & (
  /** The header is not base64 of a 64-byte ed25519 signature. */
  | { readonly reason: 'malformed' }
  /** A well-formed signature that the key hosts.toml enrolls for `host` does not verify. */
  | { readonly reason: 'mismatch' }
);

/** A report's signature is not one the enrolled host key of its host made over it. */
export class ReportSignatureError extends OgygiaError<ReportSignatureFields> {
  readonly code = 'ReportSignatureError';

  constructor(f: ReportSignatureFields) {
    super(
      f.reason === 'malformed'
        ? `The ${REPORT_SIGNATURE_HEADER} header of the report for ${f.host} is not a base64 ed25519 signature; send the header as the agent makes it.`
        : `The report for ${f.host} is not signed by the key hosts.toml enrolls for ${f.host}; a host signs only its own reports, so check [report] host_key_file, or enroll the host's new key after a reinstall.`,
      { ...f },
    );
  }
}

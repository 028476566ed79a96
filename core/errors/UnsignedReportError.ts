import { REPORT_SIGNATURE_HEADER } from '../wire/report-signature.js';
import { OgygiaError } from './OgygiaError.js';

export type UnsignedReportFields = {
  /** The host the report was posted for. */
  readonly host: string;
};

/** hosts.toml is on the tracked branch, and a report came without the signature that enrollment requires. */
export class UnsignedReportError extends OgygiaError<UnsignedReportFields> {
  readonly code = 'UnsignedReportError';

  constructor(f: UnsignedReportFields) {
    super(
      `The report for ${f.host} carries no ${REPORT_SIGNATURE_HEADER} header, and with hosts.toml on the branch only signed reports are kept; ` +
        `give the agent its host key ([report] host_key_file) and an Ogygia version that signs reports.`,
      { ...f },
    );
  }
}

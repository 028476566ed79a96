import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type UnenrolledHostFields = {
  /** The host the report was posted for. */
  readonly host: string;
  /** An enrolled name that only looks like `host` (a shorter or longer form), when there is one. */
  readonly lookAlike?: string;
};

/** hosts.toml is on the tracked branch and does not enroll the host a report is posted for. */
export class UnenrolledHostError extends OgygiaError<UnenrolledHostFields> {
  readonly code = 'UnenrolledHostError';

  constructor(f: UnenrolledHostFields) {
    super(
      f.lookAlike === undefined
        ? `Host ${quoted(f.host)} is not enrolled in hosts.toml, so its reports are refused; enroll it by pull request with \`ogygia enroll --host ${f.host} --key-file /etc/ssh/ssh_host_ed25519_key.pub\`.`
        : `Host ${quoted(f.host)} is not enrolled in hosts.toml, which enrolls ${quoted(f.lookAlike)} (it looks alike but is not the same name); set host = ${quoted(f.lookAlike)} in the agent config, or enroll the name the host uses.`,
      { ...f },
    );
  }
}

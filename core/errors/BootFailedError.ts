import { OgygiaError } from './OgygiaError.js';

export type BootFailedFields = {
  /** The revision the agent applied and rebooted into. */
  readonly revision: number;
  /** The system the agent applied (and expected to boot). */
  readonly expected: string;
  /** What /run/booted-system points at after the reboot; null when it is absent. */
  readonly booted: string | null;
};

/** After a reboot for a new kernel, the machine came back on another system (the bootloader fell back). */
export class BootFailedError extends OgygiaError<BootFailedFields> {
  readonly code = 'BootFailedError';

  constructor(f: BootFailedFields) {
    super(
      `The host rebooted into ${f.booted ?? 'an unknown system'} instead of revision ${f.revision} (${f.expected}); that release is quarantined and the profile now points at the system that booted: check the boot log, fix the release and publish a new one.`,
      { ...f },
    );
  }
}

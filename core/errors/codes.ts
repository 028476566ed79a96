/**
 * Every error code Ogygia gives, one per class in core/errors (the code is
 * the class name). Codes are stable: tests, reports, logs, metrics and the
 * HTTP API match on them, so a code is added here and never renamed.
 */
export const ERROR_CODES = [
  // Documents: JSON, schema, size, names.
  'MalformedJsonError',
  'DuplicateMemberError',
  'ForbiddenMemberError',
  'UnknownFieldError',
  'InvalidFieldError',
  'OversizeError',
  'InvalidChannelNameError',
  'InvalidHostNameError',
  'InvalidStorePathError',
  'InvalidKeyError',
  'InvalidHostKeyError',
  'InvalidEnrollmentError',
  'InvalidRolloutError',
  'InvalidWaveError',
  // Signatures and trust.
  'DuplicateSignatureError',
  'UnknownKeyError',
  'BadSignatureError',
  'ThresholdNotMetError',
  'NoTrustPolicyError',
  // Channel binding, targeting, transitions.
  'ExpiredReleaseError',
  'ChannelMismatchError',
  'WrongChannelError',
  'HostNotTargetedError',
  'AmbiguousHostError',
  'DuplicateTargetError',
  'ReplayError',
  'RevisionGapError',
  'ChainBrokenError',
  'NotYetValidError',
  'BrokenChainError',
  'ChannelDeletedError',
  'NotDescendantError',
  // Configuration and the command line.
  'ConfigError',
  'UsageError',
  'InvalidQueryError',
  // The channels repository and git.
  'GitError',
  'ChannelNotFoundError',
  'RevisionNotFoundError',
  // Binary caches.
  'CacheMissError',
  'NarinfoNotFoundError',
  'UntrustedNarinfoError',
  'CacheReadError',
  'NoCacheKeyError',
  'NoCacheError',
  'CacheUnreachableError',
  // Fleet stores.
  'FleetStoreUnavailableError',
  'FleetStoreAuthError',
  'FleetStorePermissionError',
  'NoFleetStoreError',
  // Asking the reconciler (operator tools).
  'ReconcilerUnavailableError',
  // HTTP.
  'WebhookSignatureError',
  'WebhookRateLimitedError',
  'UnauthorizedError',
  'InvalidReportError',
  'UnenrolledHostError',
  'UnsignedReportError',
  'ReportSignatureError',
  'ReportReplayError',
  'TooManyHostsError',
  'NotFoundError',
  'BadRequestError',
  'ReadOnlyError',
  // irisd.
  'NixCommandError',
  'NarHashMismatchError',
  'NarSourceError',
  'IrisdUnreachableError',
  'ZstdUnavailableError',
  // The agent's apply.
  'NixCopyError',
  'ProfileError',
  'SwitchError',
  'HealthCheckError',
  'StepTimeoutError',
  'RollbackError',
  'InterruptedApplyError',
  'RebootCommandError',
  'BootFailedError',
  'RebootSlotBusyError',
  'SourceUnavailableError',
  // Persisted state.
  'StateCorruptError',
  'ReplayFloorCorruptError',
  'StateWriteError',
  'ServedStateCorruptError',
  'RolloutStateCorruptError',
  // A bug in Ogygia itself.
  'InternalError',
] as const;

/** The code of an Ogygia error: one of ERROR_CODES. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Whether a string (from a report, a refusal, a wire answer) is an Ogygia error code. */
export function isErrorCode(s: string): s is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(s);
}

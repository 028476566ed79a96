import { isUtcTimestamp } from '../timestamp.js';
import { z } from 'zod';
import { CHANNEL_NAME, DIGEST, HOST_NAME } from '../release.js';

/**
 * The field formats the wire contracts share (report, host row, fleet
 * detail): each defined once, strict, with a bounded length, so what one part
 * sends is exactly what the other accepts.
 */

/** A git commit id: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits. */
export const GIT_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** An error code is the error's class name (core/errors/): `ReplayError`, `HealthCheckError`, ... */
export const ERROR_CODE = /^[A-Z][A-Za-z0-9]{0,63}$/;

/** A version string such as `0.1.0`, `0.2.0-rc.1+abc`. */
export const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

/** A build revision as `ogygia status` shows it (first 12 characters of build-revision, or `unknown`): 1–64 characters, no control characters. */
export const BUILD_REVISION = /^[^\p{Cc}]{1,64}$/u;

/** A step name in `timings`: `copy`, `switch`, `copyMs`, ... */
export const TIMING_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/** The longest error message and output tail on the wire, in characters. */
export const TEXT_MAX = 4096;

export const hostNameField = z.string().regex(HOST_NAME, 'must be a host name');
export const channelNameField = z.string().regex(CHANNEL_NAME, 'must be a channel name');
export const revisionField = z.number().int().min(1);
export const digestField = z.string().regex(DIGEST, 'must be sha256:<64 lowercase hex>');
export const commitField = z.string().regex(GIT_COMMIT, 'must be a git commit id (40 or 64 lowercase hex)');
export const buildRevisionField = z.string().regex(BUILD_REVISION, 'must be a build revision (1-64 characters, no control characters)');
export const versionField = z.string().regex(VERSION, 'must be a version like 0.1.0');
export const timestampField = z.string().max(40).refine(isUtcTimestamp, 'must be an RFC 3339 UTC time like 2026-11-21T10:00:00Z');

export { isUtcTimestamp };

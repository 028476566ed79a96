import type { Server } from 'node:http';
import { z } from 'zod';

/**
 * Bounds every Ogygia HTTP server puts on its clients (DESIGN.md §15), as a
 * config section: `[http]` in reconciler.toml, `[server]` in irisd.toml.
 * The defaults follow nginx's (client_header_timeout 60 s, keepalive_timeout
 * 75 s, client_body_timeout 60 s), a little stricter where our requests are
 * small: a slow or stalled client costs a socket for at most that long.
 */
export const HTTP_LIMIT_DEFAULTS = {
  header_timeout_seconds: 30,
  request_timeout_seconds: 60,
  idle_timeout_seconds: 60,
  max_connections: 20_000,
} as const;

export const httpLimitsSection = z.strictObject({
  /** The request line and headers must arrive within this. */
  header_timeout_seconds: z.number().positive('must be a positive number of seconds').max(3600).default(HTTP_LIMIT_DEFAULTS.header_timeout_seconds),
  /** The whole request, body included, must arrive within this. */
  request_timeout_seconds: z.number().positive('must be a positive number of seconds').max(3600).default(HTTP_LIMIT_DEFAULTS.request_timeout_seconds),
  /** A connection with nothing moving (no request in flight, or a response nobody reads) is closed after this. */
  idle_timeout_seconds: z.number().positive('must be a positive number of seconds').max(3600).default(HTTP_LIMIT_DEFAULTS.idle_timeout_seconds),
  /** Open connections at once; more are refused by the kernel's accept and closed at once. */
  max_connections: z.number().int('must be a whole number').min(1).max(1_000_000).default(HTTP_LIMIT_DEFAULTS.max_connections),
});

export type HttpLimits = z.output<typeof httpLimitsSection>;

/** The fastify options that enforce `limits` (enforcement is checked every second, not Node's default 30 s). */
export function fastifyLimitOptions(limits: HttpLimits): {
  connectionTimeout: number;
  keepAliveTimeout: number;
  requestTimeout: number;
  http: { headersTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    connectionTimeout: limits.idle_timeout_seconds * 1000,
    keepAliveTimeout: limits.idle_timeout_seconds * 1000,
    // Node requires requestTimeout ≥ headersTimeout.
    requestTimeout: Math.max(limits.request_timeout_seconds, limits.header_timeout_seconds) * 1000,
    http: { headersTimeout: limits.header_timeout_seconds * 1000, connectionsCheckingInterval: 1000 },
  };
}

/** Apply the connection cap to a listening (or about to listen) server. */
export function limitConnections(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.max_connections;
}

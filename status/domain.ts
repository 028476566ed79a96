/**
 * Pure: `web01.example.com` with domain `example.com` shows as `web01`.
 * Case-insensitive; dots around the domain are ignored; a name that is
 * only the domain (or does not end with `.<domain>`) is left as it is.
 */
export function trimDomain(host: string, domain: string | undefined): string {
  return domainTrimmer(domain)(host);
}

/** Pure: `trimDomain` for many hosts and one domain, the domain's suffix worked out once. */
export function domainTrimmer(domain: string | undefined): (host: string) => string {
  const d = domain?.trim().replace(/^\.+|\.+$/g, '');
  if (!d) return (host) => host.trim();
  const suffix = `.${d}`.toLowerCase();
  return (host) => {
    const h = host.trim();
    if (h.length <= suffix.length || !h.toLowerCase().endsWith(suffix)) return h;
    return h.slice(0, h.length - suffix.length).replace(/\.+$/, '');
  };
}

import { describe, expect, it } from 'vitest';
import { parseIrisdConfig } from './config.js';

describe('irisd.toml', () => {
  it('serves with an empty file', () => {
    const r = parseIrisdConfig('');
    expect(r.errors).toEqual([]);
    expect(r.value?.server.listen).toEqual(['127.0.0.1:35742']);
    expect(r.value?.peers.timeout_ms).toBe(1500);
    expect(r.value?.bloom.false_positive_rate).toBe(0.01);
    expect(r.value?.cache.max_size_bytes).toBe(10737418240);
    expect(r.value?.cache.compression).toBe('none');
    expect(r.value?.cache.compression_level).toBe(3);
  });

  it('reads [cache] compression and its level', () => {
    const r = parseIrisdConfig('[cache]\ncompression = "zstd"\ncompression_level = 9\n');
    expect(r.errors).toEqual([]);
    expect(r.value?.cache).toMatchObject({ compression: 'zstd', compression_level: 9, dir: '/var/cache/ogygia-irisd' });
  });

  it('names the key of a compression it does not know, or a level out of range', () => {
    const r = parseIrisdConfig('[cache]\ncompression = "xz"\ncompression_level = 20\n');
    expect(r.errors.map((e) => e.split(':')[0]).sort()).toEqual(['cache.compression', 'cache.compression_level']);
    expect(parseIrisdConfig('[cache]\ncompression_level = 0\n').errors[0]).toMatch(/^cache\.compression_level: must be 1 to 19/);
    expect(parseIrisdConfig('[cache]\ncompression_level = 2.5\n').errors[0]).toMatch(/^cache\.compression_level: must be a whole number/);
  });

  it('reads the DESIGN example', () => {
    const r = parseIrisdConfig(`
[server]
listen = ["127.0.0.1:35742"]
[store]
root = "/"
[peers]
urls = ["http://10.0.0.2:35742/"]
refresh_seconds = 30
timeout_ms = 1500
[trust]
trusted_keys = ["cache.example.com-1:iHYiQZ15pvlxi/hdAL0KaGX03cnJAbkF1kenPsIXdPQ="]
[signing]
key_file = "/run/credentials/ogygia-irisd.service/sign-key"
[cache]
dir = "/var/cache/ogygia-irisd"
max_size_bytes = 10737418240
ttl_seconds = 604800
[bloom]
false_positive_rate = 0.01
`);
    expect(r.errors).toEqual([]);
    expect(r.value?.peers.urls).toEqual(['http://10.0.0.2:35742']);
    expect(r.value?.trust.trusted_keys[0]?.name).toBe('cache.example.com-1');
  });

  it('lists every problem as path.to.key: message', () => {
    const r = parseIrisdConfig(`
[server]
listen = ["nope"]
[peers]
urls = ["ftp://x"]
timeout_ms = -1
[trust]
trusted_keys = ["bad"]
[store]
root = "relative"
[bloom]
false_positive_rate = 2
extra = 1
`);
    const keys = r.errors.map((e) => e.split(':')[0]);
    expect(keys).toEqual(expect.arrayContaining(['server.listen.0', 'peers.urls.0', 'peers.timeout_ms', 'trust.trusted_keys.0', 'store.root', 'bloom.false_positive_rate', 'bloom.extra']));
  });
});

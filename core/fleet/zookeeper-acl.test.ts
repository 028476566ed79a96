import { describe, expect, it } from 'vitest';
import { NAMESPACE_NODE_ACL, aclText, digestId, hostNodeAcl, permLetters } from './zookeeper-acl.js';

describe('ZooKeeper fleet ACLs', () => {
  it('computes the digest id ZooKeeper computes (base64 of SHA-1 over user:password)', () => {
    // `echo -n super:admin | openssl dgst -binary -sha1 | openssl base64`, the example of the ZooKeeper admin guide.
    expect(digestId('super', 'admin')).toBe('super:xQJmxLMiHGwaqBvst5y6rkB6HQs=');
    expect(digestId('web01', 's3cret')).toBe('web01:KI5dlCM6SQFT6Arhg5B9ILKFn3s=');
    expect(digestId('web01', 's3cret2')).not.toBe(digestId('web01', 's3cret'));
  });

  it("gives a host's nodes to its digest user (no admin) and lets anyone read them", () => {
    expect(aclText(hostNodeAcl('web01', 's3cret'))).toEqual(['digest:web01:KI5dlCM6SQFT6Arhg5B9ILKFn3s=:cdrw', 'world:anyone:r']);
  });

  it('lets anyone add a host under a namespace node, and nothing more', () => {
    expect(aclText(NAMESPACE_NODE_ACL)).toEqual(['world:anyone:cr']);
  });

  it('spells permissions as zkCli does', () => {
    expect(permLetters(31)).toBe('cdrwa');
    expect(permLetters(0)).toBe('');
    expect(permLetters(1)).toBe('r');
  });
});

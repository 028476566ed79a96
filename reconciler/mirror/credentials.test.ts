import { describe, expect, it } from 'vitest';
import { authHeaders, parseCredentials } from './credentials.js';

describe('remote credentials', () => {
  it.each([
    ['Bearer abc123\n', { kind: 'bearer', token: 'abc123' }],
    ['# ci token\nbearer xyz', { kind: 'bearer', token: 'xyz' }],
    ['deploy:s3cr:et\n', { kind: 'basic', username: 'deploy', password: 's3cr:et' }],
  ])('%j', (text, want) => {
    expect(parseCredentials(text, 'f')).toEqual(want);
  });

  it('refuses a file with no usable line, with a code', () => {
    expect(() => parseCredentials('\n\n', 'f')).toThrow(expect.objectContaining({ code: 'ConfigError' }));
  });

  it('builds the Authorization header', () => {
    expect(authHeaders({ kind: 'basic', username: 'a', password: 'b' })).toEqual({ Authorization: 'Basic YTpi' });
    expect(authHeaders({ kind: 'bearer', token: 't' })).toEqual({ Authorization: 'Bearer t' });
    expect(authHeaders(undefined)).toEqual({});
  });
});

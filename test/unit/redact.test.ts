import * as assert from 'node:assert/strict';
import { oneLine, redact } from '../../src/domain/redact';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl';

describe('redact', () => {
  it('masks bearer and basic credentials, token fields, key data, passwords and JWTs', () => {
    const text = [
      'Authorization: Bearer abc.def-ghi',
      'Authorization: Basic dXNlcjpwYXNzd29yZA==',
      '{"token":"s3cr3t-json","password":"pw1"}',
      'client-key-data: LS0tLS1CRUdJTi',
      'token=plain-token',
      `jwt ${JWT}`,
    ].join('\n');
    const out = redact(text);
    for (const secret of ['abc.def-ghi', 'dXNlcjpwYXNzd29yZA', 's3cr3t-json', 'pw1', 'LS0tLS1CRUdJTi', 'plain-token', 'eyJhbGciOiJSUzI1NiJ9']) {
      assert.ok(!out.includes(secret), `${secret} in ${out}`);
    }
    assert.match(out, /Bearer <redacted>/);
    assert.match(out, /"token":"<redacted>"/);
  });

  it('masks SAS signatures and client secrets in URLs, keeping the rest of the query', () => {
    const out = redact('GET https://x.blob.core.windows.net/c/b?sv=2024-01-01&sig=abc%2Fdef123&se=2026 and ?client_secret=s~3cret&x=1');
    assert.equal(out, 'GET https://x.blob.core.windows.net/c/b?sv=2024-01-01&sig=<redacted>&se=2026 and ?client_secret=<redacted>&x=1');
  });

  it('masks quoted values (either quote, escaped JSON inside JSON) and client secrets in any spelling', () => {
    const cases: [string, string][] = [
      ['token: "sha256~abcdefghijklmnop"', 'token: "<redacted>"'],
      ["token: 'sha256~abcdefghijklmnop' and more", "token: '<redacted>' and more"],
      ['password = "hunter2hunter2"', 'password = "<redacted>"'],
      ["{'password': 'hunter2hunter2', 'user': 'me'}", "{'password': '<redacted>', 'user': 'me'}"],
      ['{\\"token\\":\\"abcdefghijkl\\",\\"user\\":\\"me\\"}', '{\\"token\\":\\"<redacted>\\",\\"user\\":\\"me\\"}'],
      ['"token": "a\\"quoted\\"secret", "next": 1', '"token": "<redacted>", "next": 1'],
      ['client-secret: s3cr3tvalue123', 'client-secret: <redacted>'],
      ['clientSecret=s3cr3tvalue123', 'clientSecret=<redacted>'],
      ['AAD_SERVICE_PRINCIPAL_CLIENT_SECRET=s3cr3tvalue123 next', 'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET=<redacted> next'],
      ['AAD_SERVICE_PRINCIPAL_CLIENT_SECRET="s3cr3t value 123"', 'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET="<redacted>"'],
      ['token: "" password: "hunter2hunter2"', 'token: "" password: "<redacted>"'],
    ];
    for (const [input, want] of cases) {
      assert.equal(redact(input), want, input);
      assert.equal(redact(want), want, `idempotent: ${want}`);
    }
  });

  it('leaves prose that only mentions an auth scheme alone', () => {
    assert.equal(redact('A Basic Load Balancer is not supported; the Bearer token expired.'), 'A Basic Load Balancer is not supported; the Bearer token expired.');
  });

  it('removes known secrets, and writes the marker it is given', () => {
    assert.equal(redact('a extra-secret b', ['extra-secret']), 'a <redacted> b');
    assert.equal(redact('a abc b', ['abc']), 'a abc b', 'secrets shorter than 4 characters are not searched for');
    assert.equal(redact(`Bearer ${JWT} sig=abcdef`, [], '[redacted]'), 'Bearer [redacted] sig=[redacted]');
    assert.equal(redact('token=x1234567', [], '$1$&'), 'token=$1$&', 'the marker is literal text');
  });

  it('is idempotent', () => {
    const once = redact(`Authorization: Bearer ${JWT} token=abc sig=xyz "password":"p"`);
    assert.equal(redact(once), once);
  });

  it('gives one redacted line, cut to length', () => {
    assert.equal(oneLine(`first Bearer ${JWT}\nsecond`), 'first Bearer <redacted>');
    assert.equal(oneLine('x'.repeat(20), 10), `${'x'.repeat(9)}…`);
  });
});

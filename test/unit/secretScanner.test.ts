import * as assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { findSecrets, registerKubeconfigUser, registeredSecrets, type RegisteredSecret } from '../harness/secrets';

/** The scanner the integration and vscode tiers end with (test/harness/secrets.ts): what it finds, and what it leaves. */
describe('secret scanner', () => {
  const token: RegisteredSecret = { what: 'a bearer token', value: 'standin-6f1c2e9a-55d3-4b8e-9c0a-7d2f4e1b3a90' };
  const found = (text: string, secrets: readonly RegisteredSecret[] = [token]): string[] => findSecrets(text, secrets).map((f) => `${f.what}/${f.form}`);

  it('finds a secret as written, URL-encoded and JSON-escaped', () => {
    assert.deepEqual(found(`Authorization: Bearer ${token.value}`), ['a bearer token/as written']);
    const odd: RegisteredSecret = { what: 'an odd one', value: 'p@ss/wo"rd+with spaces' };
    assert.deepEqual(found(`?password=${encodeURIComponent(odd.value)}`, [odd]), ['an odd one/URL-encoded']);
    assert.deepEqual(found(JSON.stringify({ p: odd.value }), [odd]), ['an odd one/JSON-escaped']);
  });

  it('finds a secret inside a longer base64 blob at each byte alignment, standard and URL-safe', () => {
    for (const prefix of ['', 'x', 'xy', 'user:']) {
      const blob = Buffer.from(`${prefix}${token.value}\ntrailing`);
      assert.deepEqual(found(`data: ${blob.toString('base64')}`), ['a bearer token/base64'], `prefix ${JSON.stringify(prefix)}`);
      assert.deepEqual(found(`data: ${blob.toString('base64url')}`), ['a bearer token/base64'], `url-safe, prefix ${JSON.stringify(prefix)}`);
    }
  });

  it('finds a private key by any line of its body, and unregistered keys and JWTs by their shape', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const lines = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const secrets = lines.map((value, i) => ({ what: `key line ${i + 1}`, value }));
    assert.deepEqual(found(`leaked: ${lines[1]}`, secrets), ['key line 2/as written']);
    assert.deepEqual(found(pem, []), ['an unregistered secret/PEM private key']);
    assert.deepEqual(found('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl', []), ['an unregistered secret/JWT']);
  });

  it('leaves text without secrets, and redacted or partial ones, alone', () => {
    assert.deepEqual(found('Authorization: Bearer <redacted>; token=<redacted>'), []);
    assert.deepEqual(found(`Bearer ${token.value.slice(0, 12)}…`), []);
    assert.deepEqual(found('token=eyJfake and eyJhbGciOiJIUzI1NiJ9 alone'), []);
  });

  it('registers a kubeconfig user\'s token and exec arguments and environment, not flag names', () => {
    registerKubeconfigUser('unit kubeconfig', {
      exec: { command: 'kubelogin', args: ['get-token', '--login', '--server-id', 'a-server-id-0123456789', '--client-secret=unit-s3cr3t-value'], env: [{ name: 'AAD_SECRET', value: 'unit-env-secret-value' }] },
    });
    registerKubeconfigUser('unit kubeconfig 2', { token: 'unit-kubeconfig-token-123' });
    const values = registeredSecrets().filter((s) => s.what.startsWith('unit kubeconfig')).map((s) => s.value).sort();
    assert.deepEqual(values, ['--client-secret=unit-s3cr3t-value', 'a-server-id-0123456789', 'unit-env-secret-value', 'unit-kubeconfig-token-123']);
  });
});

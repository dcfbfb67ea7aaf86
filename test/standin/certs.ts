import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { registerPrivateKey } from '../harness/secrets';

/** A private CA and a server certificate it signed, valid for 127.0.0.1 and localhost. */
export interface StandInCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

// Generating keys costs a few hundred milliseconds; every stand-in in one test process shares them.
let cached: StandInCertificates | undefined;

/**
 * Creates a CA and a server certificate with `openssl` (Node has no X.509 creation API).
 * kubectl refuses to send credentials over plain HTTP and Go's TLS stack only trusts SANs,
 * so the server certificate carries IP:127.0.0.1 and DNS:localhost.
 */
export function createCertificates(dir?: string): StandInCertificates {
  if (cached) {
    return cached;
  }
  const work = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aks-standin-certs-'));
  fs.mkdirSync(work, { recursive: true });
  const file = (name: string): string => path.join(work, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };

  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ca.key'));
  openssl('req', '-x509', '-new', '-key', file('ca.key'), '-sha256', '-days', '3650',
    '-subj', '/CN=aks-standin-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-out', file('ca.crt'));

  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('server.ec.key'));
  // PKCS#8 so that every consumer (Node, Go) reads the key without guessing its type.
  openssl('pkcs8', '-topk8', '-nocrypt', '-in', file('server.ec.key'), '-out', file('server.key'));
  openssl('req', '-new', '-key', file('server.key'), '-subj', '/CN=kube-apiserver', '-out', file('server.csr'));
  fs.writeFileSync(file('server.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '',
  ].join('\n'));
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-sha256', '-days', '3650', '-extfile', file('server.ext'), '-out', file('server.crt'));

  cached = {
    caPem: fs.readFileSync(file('ca.crt'), 'utf8'),
    certPem: fs.readFileSync(file('server.crt'), 'utf8'),
    keyPem: registerPrivateKey('the stand-ins\' TLS private key', fs.readFileSync(file('server.key'), 'utf8')),
  };
  if (!dir) {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return cached;
}

// Test support: a throwaway certificate authority and the certificates a TLS redis-server and its
// clients need, made with Debian's openssl (EC P-256 keys: fast to generate).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** PEM files in one directory. */
export interface TestCertificates {
  /** The CA that signed the server's and the client's certificates. */
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A second CA that signed nothing here: a client trusting it must refuse the server. */
  otherCa: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function selfSignedCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  openssl([
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=replilab test ${name}`],
  ]);
  return { cert, key };
}

function signed(dir: string, name: string, ca: { cert: string; key: string }, extensions: string) {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  const request = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, extensions);
  openssl([
    ...['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', key, '-out', request, '-subj', `/CN=replilab test ${name}`],
  ]);
  openssl([
    ...['x509', '-req', '-in', request, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial'],
    ...['-out', cert, '-days', '2', '-extfile', extFile],
  ]);
  return { cert, key };
}

/** Makes a CA, a server certificate for 127.0.0.1 and localhost, a client certificate, and an unrelated CA. */
export function makeTestCertificates(dir: string): TestCertificates {
  const ca = selfSignedCa(dir, 'ca');
  const server = signed(dir, 'server', ca, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const client = signed(dir, 'client', ca, 'extendedKeyUsage=clientAuth\n');
  const other = selfSignedCa(dir, 'other-ca');
  return {
    ca: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    clientCert: client.cert,
    clientKey: client.key,
    otherCa: other.cert,
  };
}

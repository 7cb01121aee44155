/**
 * The flags that say how `replilab sweep` and `replilab worker` reach a Redis backend. The URL
 * can come from the environment and the password from a file, so neither shows in `ps` or in
 * the shell's history; TLS files go with a `rediss://` URL.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { ParameterError } from '../errors.js';
import { resolveBackend, type RedisBackend } from '../sweep/redis-connection.js';

/** The environment variable that stands for `--backend` when the flag is not given. */
export const BACKEND_URL_ENV = 'REPLILAB_REDIS_URL';

/** The backend flags as commander gives them. */
export interface BackendFlags {
  backend?: string;
  backendPasswordFile?: string;
  backendCa?: string;
  backendCert?: string;
  backendKey?: string;
}

/** `--backend URL`, falling back to {@link BACKEND_URL_ENV}. */
export function backendUrlOption(description: string): Option {
  return new Option('--backend <url>', description).env(BACKEND_URL_ENV);
}

/** `--backend-password-file FILE`. */
export function backendPasswordFileOption(): Option {
  return new Option(
    '--backend-password-file <file>',
    "the Redis password, read from this file (one line) instead of the URL, so ps doesn't show it",
  );
}

/** `--backend-ca FILE`: the CA to trust for a `rediss://` backend. */
export function backendCaOption(): Option {
  return new Option(
    '--backend-ca <file.pem>',
    "with rediss://: the CA certificate that signed the server's (default: the system's CAs)",
  );
}

/** `--backend-cert FILE`: a client certificate, for a server that checks its clients. */
export function backendCertOption(): Option {
  return new Option(
    '--backend-cert <file.pem>',
    "with rediss://: this machine's client certificate, for a server that checks clients (tls-auth-clients)",
  );
}

/** `--backend-key FILE`: the private key of `--backend-cert`. */
export function backendKeyOption(): Option {
  return new Option('--backend-key <file.pem>', 'with rediss://: the private key of --backend-cert');
}

/** Reads a file a flag names, or refuses it naming the flag (never showing what is in it). */
function readFlagFile(flag: string, path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable' : code;
    throw new ParameterError(flag, JSON.stringify(path), `a readable file with ${what} (${reason})`);
  }
}

function readCertificate(
  flag: string,
  path: string,
  what: string,
): { pem: Buffer; certificate: X509Certificate } {
  const pem = readFlagFile(flag, path, what);
  try {
    return { pem, certificate: new X509Certificate(pem) };
  } catch {
    throw new ParameterError(flag, JSON.stringify(path), `a PEM file with ${what} (no certificate in it)`);
  }
}

/**
 * The backend the flags describe (undefined when there is none): the URL from `--backend` or
 * {@link BACKEND_URL_ENV}, the password from `--backend-password-file`, the PEM texts of the TLS
 * files. Checks all of it before any work starts. A password written into `--backend` works, with
 * a warning through `warn`: every user of the machine can read it in `ps`.
 *
 * @throws ParameterError naming the flag (or the environment variable) that is wrong; no message
 *   shows a password
 */
export function backendFromFlags(
  flags: BackendFlags,
  command: Command,
  warn: (line: string) => void = (line) => process.stderr.write(`replilab: ${line}\n`),
): RedisBackend | undefined {
  const fileFlags = [
    ['--backend-password-file', flags.backendPasswordFile],
    ['--backend-ca', flags.backendCa],
    ['--backend-cert', flags.backendCert],
    ['--backend-key', flags.backendKey],
  ] as const;
  if (flags.backend === undefined) {
    const stray = fileFlags.find(([, value]) => value !== undefined);
    if (stray)
      throw new ParameterError(
        stray[0],
        'without --backend',
        `use it with --backend URL (or ${BACKEND_URL_ENV})`,
      );
    return undefined;
  }
  const backend: RedisBackend = { url: flags.backend };
  if (flags.backendPasswordFile !== undefined) {
    const text = readFlagFile('--backend-password-file', flags.backendPasswordFile, 'the Redis password')
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (text === '' || text.includes('\n'))
      throw new ParameterError(
        '--backend-password-file',
        JSON.stringify(flags.backendPasswordFile),
        'a file holding the password on one line',
      );
    backend.password = text;
  }
  if (flags.backendCa !== undefined || flags.backendCert !== undefined || flags.backendKey !== undefined) {
    backend.tls = {};
    if (flags.backendCa !== undefined)
      backend.tls.ca = readCertificate('--backend-ca', flags.backendCa, "the CA's certificate").pem;
    if (flags.backendCert !== undefined) {
      const { pem, certificate } = readCertificate(
        '--backend-cert',
        flags.backendCert,
        "this machine's client certificate",
      );
      backend.tls.cert = pem;
      if (flags.backendKey !== undefined) {
        const key = readFlagFile('--backend-key', flags.backendKey, 'the private key of --backend-cert');
        let matches: boolean;
        try {
          matches = certificate.checkPrivateKey(createPrivateKey(key));
        } catch {
          throw new ParameterError(
            '--backend-key',
            JSON.stringify(flags.backendKey),
            'a PEM file with a private key (none in it, or it is encrypted)',
          );
        }
        if (!matches)
          throw new ParameterError(
            '--backend-key',
            JSON.stringify(flags.backendKey),
            `the private key of --backend-cert ${flags.backendCert}`,
          );
        backend.tls.key = key;
      }
    } else if (flags.backendKey !== undefined) {
      backend.tls.key = readFlagFile('--backend-key', flags.backendKey, 'the private key of --backend-cert');
    }
  }
  const fromEnvironment = command.getOptionValueSource('backend') === 'env';
  const { connection } = resolveBackend(backend, {
    url: fromEnvironment ? BACKEND_URL_ENV : '--backend',
    password: '--backend-password-file',
    ca: '--backend-ca',
    cert: '--backend-cert',
    key: '--backend-key',
  });
  if (!fromEnvironment && backend.password === undefined && connection.password !== undefined)
    warn(
      `warning: the password in --backend shows in ps to every user of this machine; put the URL in ${BACKEND_URL_ENV} or the password in --backend-password-file`,
    );
  return backend;
}

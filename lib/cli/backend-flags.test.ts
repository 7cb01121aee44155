import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ParameterError } from '../errors.js';
import { makeTestCertificates, type TestCertificates } from '../sweep/tls-certificates.testkit.js';
import {
  BACKEND_URL_ENV,
  backendCaOption,
  backendCertOption,
  backendFromFlags,
  backendKeyOption,
  backendPasswordFileOption,
  backendUrlOption,
} from './backend-flags.js';

const PASSWORD = 'Kb2-flags-pw-40';

/** Warnings of the last {@link backendOf}. */
let warnings: string[] = [];

/** Parses `args` as a command with the backend flags would, and returns what backendFromFlags makes of them. */
function backendOf(args: string[]) {
  let result: ReturnType<typeof backendFromFlags>;
  warnings = [];
  const command = new Command('try')
    .exitOverride()
    .addOption(backendUrlOption('the backend'))
    .addOption(backendPasswordFileOption())
    .addOption(backendCaOption())
    .addOption(backendCertOption())
    .addOption(backendKeyOption())
    .action((flags, self: Command) => {
      result = backendFromFlags(flags, self, (line) => warnings.push(line));
    });
  command.parse(args, { from: 'user' });
  return result;
}

/** The ParameterError that parsing `args` throws. */
function refusal(args: string[]): ParameterError {
  try {
    backendOf(args);
  } catch (error) {
    expect(error).toBeInstanceOf(ParameterError);
    return error as ParameterError;
  }
  throw new Error(`${args.join(' ')}: expected a refusal`);
}

describe('backend flags', () => {
  let dir: string;
  let certs: TestCertificates;
  const saved = process.env[BACKEND_URL_ENV];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replilab-backend-flags-'));
    certs = makeTestCertificates(dir);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_URL_ENV];
    else process.env[BACKEND_URL_ENV] = saved;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('no backend at all: none', () => {
    delete process.env[BACKEND_URL_ENV];
    expect(backendOf([])).toBeUndefined();
  });

  it(`the URL comes from --backend, else from ${BACKEND_URL_ENV}`, () => {
    process.env[BACKEND_URL_ENV] = `redis://:${PASSWORD}@10.1.1.1:6379`;
    expect(backendOf([])).toEqual({ url: `redis://:${PASSWORD}@10.1.1.1:6379` });
    expect(backendOf(['--backend', 'redis://127.0.0.1:7000'])).toEqual({ url: 'redis://127.0.0.1:7000' });
  });

  it('a password on the command line works, with a warning that ps shows it; from the environment, silently', () => {
    delete process.env[BACKEND_URL_ENV];
    expect(backendOf(['--backend', `redis://:${PASSWORD}@127.0.0.1:7000`])?.url).toContain(PASSWORD);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: the password in --backend shows in ps .*REPLILAB_REDIS_URL/);
    expect(warnings[0]).not.toContain(PASSWORD);
    backendOf(['--backend', 'redis://127.0.0.1:7000']);
    expect(warnings).toEqual([]);
    process.env[BACKEND_URL_ENV] = `redis://:${PASSWORD}@127.0.0.1:7000`;
    backendOf([]);
    expect(warnings).toEqual([]);
  });

  it('the password file gives its line; the TLS files their PEM text', () => {
    delete process.env[BACKEND_URL_ENV];
    const passwordFile = join(dir, 'pw');
    writeFileSync(passwordFile, `${PASSWORD}\r\n`);
    const backend = backendOf([
      ...['--backend', 'rediss://127.0.0.1:7000', '--backend-password-file', passwordFile],
      ...['--backend-ca', certs.ca, '--backend-cert', certs.clientCert, '--backend-key', certs.clientKey],
    ]);
    expect(backend?.password).toBe(PASSWORD);
    expect(String(backend?.tls?.ca)).toBe(readFileSync(certs.ca, 'utf8'));
    expect(String(backend?.tls?.cert)).toBe(readFileSync(certs.clientCert, 'utf8'));
    expect(String(backend?.tls?.key)).toBe(readFileSync(certs.clientKey, 'utf8'));
  });

  it('refuses what cannot work, naming the flag or the variable, and never shows the password', () => {
    delete process.env[BACKEND_URL_ENV];
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    const twoLines = join(dir, 'two-lines');
    writeFileSync(twoLines, `${PASSWORD}\nmore\n`);
    const passwordFile = join(dir, 'pw-ok');
    writeFileSync(passwordFile, PASSWORD);
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, `${PASSWORD}\n`);
    const tlsUrl = 'rediss://127.0.0.1:7000';
    const cases: [string[], string][] = [
      [['--backend', `redis://:${PASSWORD}@127.0.0.1:99999`], '--backend'],
      [
        ['--backend', `redis://:${PASSWORD}@127.0.0.1`, '--backend-password-file', passwordFile],
        '--backend-password-file',
      ],
      [['--backend', tlsUrl, '--backend-password-file', join(dir, 'missing')], '--backend-password-file'],
      [['--backend', tlsUrl, '--backend-password-file', empty], '--backend-password-file'],
      [['--backend', tlsUrl, '--backend-password-file', twoLines], '--backend-password-file'],
      [['--backend-password-file', passwordFile], '--backend-password-file'],
      [['--backend-ca', certs.ca], '--backend-ca'],
      [['--backend', 'redis://127.0.0.1:7000', '--backend-ca', certs.ca], '--backend-ca'],
      [['--backend', tlsUrl, '--backend-ca', notPem], '--backend-ca'],
      [['--backend', tlsUrl, '--backend-ca', join(dir, 'missing.pem')], '--backend-ca'],
      [['--backend', tlsUrl, '--backend-cert', certs.clientCert], '--backend-key'],
      [['--backend', tlsUrl, '--backend-key', certs.clientKey], '--backend-cert'],
      [
        ['--backend', tlsUrl, '--backend-cert', certs.clientCert, '--backend-key', certs.serverKey],
        '--backend-key',
      ],
      [['--backend', tlsUrl, '--backend-cert', certs.clientCert, '--backend-key', notPem], '--backend-key'],
    ];
    for (const [args, flag] of cases) {
      const error = refusal(args);
      expect(error.parameter, args.join(' ')).toBe(flag);
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message.split('\n')).toHaveLength(1);
    }
    process.env[BACKEND_URL_ENV] = `redis//:${PASSWORD}@127.0.0.1`;
    const fromEnvironment = refusal([]);
    expect(fromEnvironment.parameter).toBe(BACKEND_URL_ENV);
    expect(fromEnvironment.message).toBe(
      `${BACKEND_URL_ENV}: got "***@127.0.0.1"; allowed: a Redis URL redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB] (TLS), e.g. redis://127.0.0.1:6379`,
    );
  });
});

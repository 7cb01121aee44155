import { describe, expect, it } from 'vitest';
import { refusedParameter } from '../errors.testkit.js';
import { backendAddress, parseBackendUrl, redactUrl, resolveBackend } from './redis-connection.js';

const PASSWORD = 'pw-Zq81x';

/** The message of what `run` throws (it must throw). */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('redis connection: the backend without its credentials', () => {
  it('the address keeps scheme, host, port and database and drops user and password', () => {
    expect(backendAddress(`redis://:${PASSWORD}@10.0.0.5:6380/2`)).toBe('redis://10.0.0.5:6380/2');
    expect(backendAddress(`rediss://sweeper:${PASSWORD}@redis.lab`)).toBe('rediss://redis.lab:6379');
    expect(backendAddress('redis://[::1]:7000')).toBe('redis://[::1]:7000');
  });

  it('the credentials go to the connection options only', () => {
    const fromUrl = resolveBackend(`redis://sweeper:${encodeURIComponent('p@ss/wd')}@127.0.0.1:7000/3`);
    expect(fromUrl.address).toBe('redis://127.0.0.1:7000/3');
    expect(fromUrl.connection).toMatchObject({
      host: '127.0.0.1',
      port: 7000,
      db: 3,
      username: 'sweeper',
      password: 'p@ss/wd',
    });
    expect(fromUrl.connection.tls).toBeUndefined();
    const apart = resolveBackend({ url: 'rediss://127.0.0.1:7001', password: PASSWORD, tls: { ca: 'CA' } });
    expect(apart.address).toBe('rediss://127.0.0.1:7001');
    expect(apart.connection).toMatchObject({ port: 7001, password: PASSWORD, tls: { ca: 'CA' } });
    expect(JSON.stringify(apart.address)).not.toContain(PASSWORD);
    // rediss:// without files still means TLS, with the system's CAs.
    expect(resolveBackend('rediss://127.0.0.1:7001').connection.tls).toEqual({});
  });

  it('errors name the part that is wrong and never show the password', () => {
    for (const [backend, name] of [
      [`redis://:${PASSWORD}@127.0.0.1:99999`, 'backend'],
      [`http://:${PASSWORD}@127.0.0.1:6379`, 'backend'],
      [`redis://:${PASSWORD}@127.0.0.1:6379?tls=1`, 'backend'],
      [`redis//:${PASSWORD}@127.0.0.1:6379`, 'backend'],
      [{ url: `redis://:${PASSWORD}@127.0.0.1`, password: 'other' }, 'backend.password'],
      [{ url: 'redis://127.0.0.1', password: '' }, 'backend.password'],
      [{ url: `redis://:${PASSWORD}@127.0.0.1`, tls: { ca: 'CA' } }, 'backend.tls.ca'],
      [{ url: 'rediss://127.0.0.1', tls: { cert: 'CERT' } }, 'backend.tls.key'],
      [{ url: 'rediss://127.0.0.1', tls: { key: 'KEY' } }, 'backend.tls.cert'],
      [`redis://:%zz${PASSWORD}@127.0.0.1`, 'backend'],
    ] as const) {
      expect(refusedParameter(() => resolveBackend(backend))).toBe(name);
      expect(messageOf(() => resolveBackend(backend))).not.toContain(PASSWORD);
    }
  });

  it('CLI names in errors when given', () => {
    const names = { url: '--backend', password: '--pw', ca: '--ca', cert: '--cert', key: '--key' };
    expect(refusedParameter(() => resolveBackend({ url: 'redis://h', tls: { ca: 'x' } }, names))).toBe(
      '--ca',
    );
    expect(refusedParameter(() => resolveBackend('redis://h:0', names))).toBe('--backend');
  });

  it('parseBackendUrl accepts redis:// and rediss:// and redacts what it refuses', () => {
    expect(parseBackendUrl('rediss://127.0.0.1:6380', '--backend')).toBe('rediss://127.0.0.1:6380');
    expect(messageOf(() => parseBackendUrl(`ftp://u:${PASSWORD}@h`, '--backend'))).toBe(
      '--backend: got "ftp://***@h"; allowed: a Redis URL redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB] (TLS), e.g. redis://127.0.0.1:6379',
    );
  });

  it('redactUrl hides everything up to the last @, also in text that is no URL', () => {
    expect(redactUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
    expect(redactUrl(`redis://:${PASSWORD}@h:1`)).toBe('redis://***@h:1');
    expect(redactUrl(`redis://u:a/b@c${PASSWORD}@h:1`)).toBe('redis://***@h:1');
    expect(redactUrl(`u:${PASSWORD}@h`)).toBe('***@h');
  });
});

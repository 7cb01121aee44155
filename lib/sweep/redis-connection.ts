/**
 * Where and how a distributed sweep reaches Redis: the backend URL (`redis://` or `rediss://` for
 * TLS), a password that may come from elsewhere than the URL, and the TLS files. The credentials
 * go into the connection options and nowhere else: everything a run shows or writes (manifest,
 * logs, errors) names the backend by its address, the URL without user and password.
 */
import type { RedisOptions } from 'ioredis';
import { ParameterError } from '../errors.js';

/** PEM texts for a `rediss://` backend: the CA to trust, and a client certificate when the server asks for one. */
export interface RedisTls {
  /** The certificate authority that signed the server's certificate (default: the system's). */
  ca?: string | Buffer;
  /** This client's certificate (servers with `tls-auth-clients yes`, Redis's default). */
  cert?: string | Buffer;
  /** The private key of `cert`. */
  key?: string | Buffer;
}

/** A backend: its URL and what is better kept out of the URL. */
export interface RedisBackend {
  /** `redis://[USER:PASSWORD@]HOST[:PORT][/DB]`, or `rediss://...` for TLS. */
  url: string;
  /** The password, when it is not in the URL (read from a file or the environment, so `ps` does not show it). */
  password?: string;
  /** TLS files; only with `rediss://`. */
  tls?: RedisTls;
}

/** What a checked backend gives: the address to show, and the options to connect with. */
export interface ResolvedBackend {
  /** `redis://HOST:PORT[/DB]` without user or password: what manifests, logs and errors show. */
  address: string;
  /** ioredis options, credentials included: they go to the connection and nowhere else. */
  connection: RedisOptions;
}

/** How the parts of a backend are called where the user gave them (CLI flags or library fields). */
export interface BackendNames {
  url: string;
  password: string;
  ca: string;
  cert: string;
  key: string;
}

/** The names of the library's fields (a backend given as a plain URL string is called `backend`). */
const LIBRARY_NAMES: BackendNames = {
  url: 'backend.url',
  password: 'backend.password',
  ca: 'backend.tls.ca',
  cert: 'backend.tls.cert',
  key: 'backend.tls.key',
};

const URL_FORM =
  'a Redis URL redis://HOST:PORT[/DB] or rediss://HOST:PORT[/DB] (TLS), e.g. redis://127.0.0.1:6379';

/**
 * A backend URL as it may be shown in an error: user and password replaced by `***`, also in
 * text that is not a valid URL (anything up to an `@` after the scheme).
 *
 * @example
 * redactUrl('redis://:hunter2@10.0.0.5:6379'); // 'redis://***@10.0.0.5:6379'
 */
export function redactUrl(text: string): string {
  // Up to the last `@`: a password with an unencoded `/` or `@` in it is hidden whole too.
  return text.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?.*@/s,
    (_, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}

function parseUrl(text: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ParameterError(name, JSON.stringify(redactUrl(text)), URL_FORM);
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  if (
    (url.protocol !== 'redis:' && url.protocol !== 'rediss:') ||
    url.hostname === '' ||
    !(port >= 1 && port <= 65535) ||
    !/^(\/\d*)?$/.test(url.pathname) ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new ParameterError(name, JSON.stringify(redactUrl(text)), URL_FORM);
  }
  return url;
}

/**
 * Checks a backend URL: `redis://HOST:PORT` or `rediss://HOST:PORT` (optionally `/DB`, user and
 * password). Returns it. The error shows the URL without its credentials.
 *
 * @throws ParameterError naming `flag` for anything else
 * @example
 * parseBackendUrl('redis://127.0.0.1:6379', '--backend'); // 'redis://127.0.0.1:6379'
 */
export function parseBackendUrl(text: string, flag = 'backend'): string {
  parseUrl(text, flag);
  return text;
}

/**
 * The address of a backend URL: scheme, host, port and database, without user or password.
 *
 * @example
 * backendAddress('redis://:hunter2@10.0.0.5/2'); // 'redis://10.0.0.5:6379/2'
 */
export function backendAddress(text: string): string {
  const url = parseUrl(text, 'backend');
  const db = url.pathname.length > 1 ? url.pathname : '';
  return `${url.protocol}//${url.hostname}:${url.port === '' ? 6379 : url.port}${db}`;
}

/**
 * Checks a backend (URL, password, TLS files) and splits it into the address to show and the
 * connection options that carry the credentials.
 *
 * @throws ParameterError naming the part (as `names` calls it) that is wrong
 * @example
 * const { address, connection } = resolveBackend({ url: 'rediss://10.0.0.5:6380', password, tls: { ca } });
 */
export function resolveBackend(
  backend: string | RedisBackend,
  names: BackendNames = typeof backend === 'string' ? { ...LIBRARY_NAMES, url: 'backend' } : LIBRARY_NAMES,
): ResolvedBackend {
  const given: RedisBackend = typeof backend === 'string' ? { url: backend } : backend;
  const url = parseUrl(given.url, names.url);
  const tls = url.protocol === 'rediss:';
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw new ParameterError(
        names.url,
        JSON.stringify(redactUrl(given.url)),
        'user and password percent-encoded (%40 for @, %2F for /, %25 for %)',
      );
    }
  };
  const urlPassword = decode(url.password);
  if (given.password !== undefined) {
    if (urlPassword !== '')
      throw new ParameterError(
        names.password,
        'a password while the URL has one',
        'one password: in the URL or separately, not both',
      );
    if (given.password === '')
      throw new ParameterError(names.password, 'an empty password', 'a non-empty password');
  }
  const files = given.tls ?? {};
  for (const part of ['ca', 'cert', 'key'] as const) {
    if (files[part] !== undefined && !tls)
      throw new ParameterError(
        names[part],
        `with ${url.protocol}//`,
        'use it with a rediss:// (TLS) backend',
      );
  }
  if ((files.cert === undefined) !== (files.key === undefined)) {
    const missing = files.cert === undefined ? names.cert : names.key;
    throw new ParameterError(
      missing,
      '(missing)',
      `${names.cert} and ${names.key} together (a client certificate and its key)`,
    );
  }
  const password = given.password ?? urlPassword;
  const username = decode(url.username);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const connection: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 6379 : Number(url.port),
    db,
    ...(username !== '' ? { username } : {}),
    ...(password !== '' ? { password } : {}),
    ...(tls
      ? {
          tls: {
            ...(files.ca !== undefined ? { ca: files.ca } : {}),
            ...(files.cert !== undefined ? { cert: files.cert, key: files.key } : {}),
          },
        }
      : {}),
  };
  return { address: backendAddress(given.url), connection };
}

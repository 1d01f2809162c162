import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import { UserError } from '../contract/errors.js';

/**
 * Who may reach the browser mode, decided the way Jupyter decides it: a secret
 * token (printed in the URL at start, traded by the page for an HttpOnly
 * cookie), the Host header checked against the names this server answers to
 * (DNS rebinding), and a WebSocket's Origin, when sent, against the server's
 * own origin (any web page the user visits can open a socket to loopback).
 */
export interface AccessPolicy {
  token: string;
  port: number;
  /** Exact `host:port` authorities the server answers to. */
  authorities: ReadonlySet<string>;
  /** Names (from --allow-host) accepted on any port, for a TLS proxy in front. */
  names: ReadonlySet<string>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1']);
/** Short tokens can be guessed by a page that tries many; 16 characters is where guessing stops paying. */
export const MIN_TOKEN_LENGTH = 16;

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A fresh random token: 24 bytes as 48 hex characters. */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/** Checks a token given with --token or LATENT_EXPLORER_TOKEN. */
export function checkToken(token: string): string {
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new UserError(
      'BAD_CONFIG',
      `A token must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces; leave --token out to get a random one.`,
    );
  }
  return token;
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The authorities a server bound to `bindHost:port` answers to: the loopback
 * names when it listens on loopback; otherwise also this machine's name and
 * addresses, and `extraNames` on any port.
 */
export function accessPolicy(bindHost: string, port: number, token: string, extraNames: string[] = []): AccessPolicy {
  const hosts = new Set<string>(['127.0.0.1', 'localhost', '::1']);
  if (!isLoopback(bindHost)) {
    if (bindHost !== '0.0.0.0' && bindHost !== '::') hosts.add(bindHost);
    hosts.add(os.hostname().toLowerCase());
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) hosts.add(a.address.toLowerCase().replace(/%.*$/, ''));
    }
  }
  const authorities = new Set([...hosts].map((h) => `${bracket(h)}:${port}`));
  return { token, port, authorities, names: new Set(extraNames.map((n) => n.toLowerCase())) };
}

/** Splits `host[:port]` (IPv6 in brackets) into a lower-case name and a port, or null when it is not one. */
function splitAuthority(authority: string): { name: string; port: string } | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(authority.trim());
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), port: m[2] ?? '' };
}

/** Whether a Host header (or an Origin's host) names this server. */
export function hostAllowed(authority: string | undefined, policy: AccessPolicy): boolean {
  if (!authority) return false;
  const a = splitAuthority(authority);
  if (!a) return false;
  if (policy.names.has(a.name.replace(/^\[|\]$/g, ''))) return true;
  return a.port !== '' && policy.authorities.has(`${a.name}:${a.port}`);
}

/** Whether a WebSocket's Origin header is acceptable: absent (not a browser), or this server's own origin. */
export function originAllowed(origin: string | undefined, policy: AccessPolicy): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" and anything else that is not an origin
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.origin !== origin.replace(/\/$/, '')) return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return hostAllowed(`${url.hostname}:${port}`, policy) || policy.names.has(url.hostname.replace(/^\[|\]$/g, ''));
}

/** The cookie's name carries the port: browsers share cookies across ports of one host. */
export function cookieName(policy: AccessPolicy): string {
  return `latent-explorer-token-${policy.port}`;
}

export function sameToken(given: string | undefined | null, policy: AccessPolicy): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(policy.token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined; // not percent-encoding: not our cookie's value
      }
    }
  }
  return undefined;
}

/**
 * Where a request carries its token: `?token=` in the URL, an
 * `Authorization: token …` header, or the cookie the page was given.
 */
export function tokenOf(url: URL, headers: IncomingHttpHeaders, policy: AccessPolicy): { token: string | undefined; fromQuery: boolean } {
  const q = url.searchParams.get('token');
  if (q !== null) return { token: q, fromQuery: true };
  const auth = /^token\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (auth) return { token: auth[1], fromQuery: false };
  return { token: cookieValue(headers.cookie, cookieName(policy)), fromQuery: false };
}

export function setCookieHeader(policy: AccessPolicy): string {
  return `${cookieName(policy)}=${encodeURIComponent(policy.token)}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The URL to print: loopback when the server listens there or everywhere, with the token. */
export function startUrl(bindHost: string, port: number, token: string): string {
  const shown = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
  return `http://${bracket(shown)}:${port}/?token=${token}`;
}

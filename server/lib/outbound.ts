import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { invalid } from '../errors.js';

/** A clone address split into what may be stored and shown (url) and what may not (credentials). */
export interface CloneAddress {
  /** http(s) URL without user name, password, query or fragment. */
  url: string;
  hostname: string;
  port: number;
  /** Credentials that were written into the URL, moved out of it. */
  username: string;
  password: string;
}

/**
 * Checks a clone address given by a user: http or https only (git's file://, ssh://, ext:: and
 * local paths reach the server's own disk and programs). Credentials in the URL are taken out of
 * it, so that they are never stored or shown with it.
 */
export function parseCloneAddress(raw: string): CloneAddress {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid(`"${redactUrl(raw)}" is not a URL: give an http:// or https:// clone address.`, { field: 'clone_addr' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`Only http:// and https:// clone addresses can be imported, not ${url.protocol}//.`, { field: 'clone_addr' });
  }
  if (url.hostname === '') throw invalid('The clone address has no host.', { field: 'clone_addr' });
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { url: url.toString(), hostname, port, username, password };
}

/** A URL-ish string with any `user:password@` part removed, for messages and logs. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/)[^/@\s]*@/g, '$1');
}

/**
 * The IPv4 addresses an IPv6 address carries to an IPv4 host, for the forms that reach one:
 * IPv4-mapped and -translated (::ffff:a.b.c.d, ::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d),
 * NAT64 (64:ff9b::/96), 6to4 (2002:AABB:CCDD::) and Teredo (server and obfuscated client).
 * Null when the address is not one of these forms.
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const parts = address.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [v4(parts[6], parts[7])];
    case 'rfc6052':
      // Only the well-known prefix has its IPv4 address in the last 32 bits; 64:ff9b:1::/48 is local use.
      return parts.slice(0, 6).join(':') === '100:65435:0:0:0:0' ? [v4(parts[6], parts[7])] : null;
    case '6to4':
      return [v4(parts[1], parts[2])];
    case 'teredo':
      return [v4(parts[2], parts[3]), v4(parts[6] ^ 0xffff, parts[7] ^ 0xffff)];
    default:
      // IPv4-compatible (::/96, deprecated, but some stacks still route it); :: and ::1 have their own ranges.
      return parts.slice(0, 6).every((part) => part === 0) && address.range() === 'unicast' ? [v4(parts[6], parts[7])] : null;
  }
}

/**
 * Whether an address may not be reached by an import: anything but the global unicast ranges
 * (ipaddr.js's classification: loopback, private, link-local, unique-local, carrier-grade NAT,
 * multicast, reserved, documentation, unspecified...), including an IPv4 address that is not
 * global unicast wrapped in an IPv6 form. Not an address at all counts as private.
 */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() !== 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  const inner = embeddedIpv4(v6);
  if (inner !== null) return inner.some((v4) => v4.range() !== 'unicast');
  return v6.range() !== 'unicast';
}

/**
 * Resolves the host of a clone address and refuses it when any of its addresses is not public
 * (unless the instance allows private addresses). Returns the addresses checked, so that git is
 * made to connect to these and not to what a second DNS answer says.
 */
export async function resolvePublicHost(address: CloneAddress, allowPrivate: boolean): Promise<string[]> {
  let addresses: string[];
  if (isIP(address.hostname)) addresses = [address.hostname];
  else {
    try {
      addresses = (await lookup(address.hostname, { all: true, verbatim: true })).map((a) => a.address);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw invalid(`${address.url} cannot be reached: the host ${address.hostname} was not found (${code}).`, { field: 'clone_addr' });
    }
  }
  if (addresses.length === 0) throw invalid(`${address.url} cannot be reached: the host ${address.hostname} has no address.`, { field: 'clone_addr' });
  if (!allowPrivate) {
    const refused = addresses.find(isPrivateAddress);
    if (refused) {
      throw invalid(
        `${address.url} points to a private, loopback or link-local address (${refused}); this forge imports from public addresses only.`,
        { field: 'clone_addr' },
      );
    }
  }
  return addresses;
}

/** A host an outbound request cannot reach: not found, or without any address. */
export class UnresolvedHost extends Error {}

/**
 * Every address of a URL's host, resolved once (an IP address is taken as is), for the caller to
 * check and then connect to with a fixed lookup, so that a second DNS answer cannot send the
 * request elsewhere (webhooks, the image proxy).
 */
export async function resolveHost(url: URL): Promise<{ hostname: string; addresses: { address: string; family: number }[] }> {
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(hostname)) return { hostname, addresses: [{ address: hostname, family: isIP(hostname) }] };
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(hostname, { all: true, verbatim: true });
  } catch (err) {
    throw new UnresolvedHost(`the host ${hostname} was not found (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  if (addresses.length === 0) throw new UnresolvedHost(`the host ${hostname} has no address`);
  return { hostname, addresses };
}

import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
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

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 reaches IPv4 behind it
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (::ffff:10.0.0.1), if any. */
function embeddedIpv4(address: string): string | null {
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Whether an address is loopback, private, link-local, unique-local, CGNAT, multicast or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(address);
  if (v4) return blocked.check(v4, 'ipv4');
  return blocked.check(address, 'ipv6');
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

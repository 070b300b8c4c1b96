import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Where webhooks may go: private targets only when configuration says so. */
export interface TargetPolicy {
  allowPrivateTargets: boolean;
  /** Host names (lower case) that may resolve to private addresses all the same. */
  allowedPrivateHosts: string[];
}

/** Addresses a webhook must not reach: this host, the private networks, link-local (cloud metadata), multicast, reserved. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::) IPv6 one. */
function embeddedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether an IP address (v4 or v6) is one a webhook must not reach. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse
  const v4 = embeddedIPv4(address);
  if (v4) return PRIVATE.check(v4, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

/** Why a webhook target cannot be used. */
export class TargetRefused extends Error {
  override name = 'TargetRefused';
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Resolves a host the way the connection will (getaddrinfo, /etc/hosts included) and checks every
 * address it gives: one private address among public ones is enough to refuse, so a name cannot
 * smuggle an internal target past the check.
 */
export async function resolveTarget(hostname: string, policy: TargetPolicy): Promise<ResolvedAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new TargetRefused(`The host ${host} could not be resolved.`);
    }
  }
  if (addresses.length === 0) throw new TargetRefused(`The host ${host} could not be resolved.`);
  const privateOnesAllowed = policy.allowPrivateTargets || policy.allowedPrivateHosts.includes(host);
  if (!privateOnesAllowed) {
    const internal = addresses.find((entry) => isPrivateAddress(entry.address));
    if (internal) {
      throw new TargetRefused(
        `${host} resolves to ${internal.address}, a private, loopback or link-local address; webhooks may not target those unless the server allows it (WEBHOOK_ALLOW_PRIVATE_TARGETS or WEBHOOK_ALLOWED_PRIVATE_HOSTS).`,
      );
    }
  }
  return addresses;
}

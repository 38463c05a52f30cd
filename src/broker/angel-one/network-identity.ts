import { networkInterfaces } from 'node:os';

/**
 * The X-ClientLocalIP and X-MACAddress headers (§1.1) with true values from this machine's interfaces.
 * Never an outside lookup: the public IP comes from configuration (`ANGEL_PUBLIC_IP`).
 */
export interface NetworkIdentity {
  localIp: string;
  mac: string;
}

const NO_MAC = '00:00:00:00:00:00';

export function detectNetworkIdentity(ifaces = networkInterfaces()): NetworkIdentity {
  let fallback: NetworkIdentity | null = null;
  for (const list of Object.values(ifaces)) {
    for (const i of list ?? []) {
      if (i.internal || i.family !== 'IPv4') continue;
      if (i.mac && i.mac !== NO_MAC) return { localIp: i.address, mac: i.mac };
      fallback ??= { localIp: i.address, mac: i.mac || NO_MAC };
    }
  }
  return fallback ?? { localIp: '127.0.0.1', mac: NO_MAC };
}

/**
 * The store's LAN as CIDRs: the private IPv4 ranges, link-local, CGNAT (100.64.0.0/10, behind some
 * stores' routers), unique-local and link-local IPv6. Loopback and public addresses are not among
 * them. Cameras may be on these unless `video.cameraNetworks` says otherwise (main/config's default,
 * main/video/onvif/camera-network.ts's check).
 */
export const LAN_NETWORKS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
  'fe80::/10',
];

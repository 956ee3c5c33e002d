// Minimal declarations for the parts of node-onvif (CommonJS, untyped) that the node uses.
declare module 'node-onvif/lib/modules/soap.js' {
  interface OnvifSoapInstance {
    parse(xml: string): Promise<Record<string, unknown>>;
  }
  const soap: OnvifSoapInstance;
  export default soap;
}

declare module 'node-onvif/lib/modules/device.js' {
  interface OnvifProfile {
    token: string;
    name: string;
    snapshot: string;
    stream: { udp: string; http: string; rtsp: string };
    video: {
      source: {
        token: string;
        name: string;
        bounds: { width: number; height: number; x: number; y: number };
      } | null;
      encoder: {
        token: string;
        name: string;
        resolution: { width: number; height: number };
        framerate: number;
        bitrate: number;
        encoding: string;
      } | null;
    };
  }
  class OnvifDevice {
    constructor(params: { xaddr: string; user?: string; pass?: string });
    init(): Promise<unknown>;
    /** The URL a service's requests go to, from the XAddr the camera named for it (GetCapabilities). */
    _getXaddr(directXaddr: unknown): string;
    information: Record<string, unknown> | null;
    profile_list: OnvifProfile[];
    services: { device: { soap?: unknown } };
  }
  export default OnvifDevice;
}

#!/usr/bin/python3
"""RTSP test server (Debian gst-rtsp-server via python3-gi).

Serves a looping clip made of JPEG frames (made by make-clip.ts from the face-api demo photos) as
H.264 over RTSP on 127.0.0.1. Prints "READY <port>" on stdout once listening.

usage: serve.py --dir DIR [--port 0] [--fps 10] [--path /cam] [--user U --password-file F]
"""
import argparse
import os
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", default="0")
    ap.add_argument("--fps", type=int, default=10)
    ap.add_argument("--path", default="/cam")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--user", default="")
    ap.add_argument("--password-file", default="")
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f'( multifilesrc location="{args.dir}/frame%04d.jpg" loop=true start-index=1 caps="image/jpeg,framerate={args.fps}/1" '
        "! jpegdec ! videoconvert ! video/x-raw,format=I420 "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.fps} bitrate=1500 "
        "! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )
    factory.set_shared(True)
    if args.user:
        # Like a camera: RTSP digest authentication, and nothing served without it.
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "viewer")
        with open(args.password_file, encoding="utf-8") as f:
            password = f.read()
        auth.add_digest(args.user, password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("viewer", "media.factory.access", True)
        permissions.add_permission_for_role("viewer", "media.factory.construct", True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory(args.path, factory)
    server.attach(None)
    print(f"READY {server.get_bound_port()}", flush=True)

    # Die with the test process: its end of our stdin closes when it exits, even by SIGKILL.
    def watch_parent() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    loop = GLib.MainLoop()
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()

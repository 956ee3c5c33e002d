#!/usr/bin/env bash
# Installs the Debian packages the tests use (Chromium for end-to-end tests, ffmpeg, an RTSP server,
# nginx with RTMP, iproute2 for network namespaces) when any is missing. Needs root (CI runs as root);
# otherwise prints the command to run.
set -euo pipefail
PKGS=(chromium ffmpeg nginx-light libnginx-mod-rtmp gir1.2-gst-rtsp-server-1.0 python3-gi
      gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad
      gstreamer1.0-libav iproute2 util-linux fonts-dejavu-core)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "hotpot: the tests need these Debian packages: ${missing[*]}" >&2
  echo "hotpot: install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 3
fi
echo "hotpot: installing Debian packages for the tests: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

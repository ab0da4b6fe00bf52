#!/usr/bin/env bash
# Makes (or reuses) a Debian 13 ("trixie") chroot holding the `swiftlang` toolchain, for the Swift
# tests: Debian 12 has no Swift and Debian 13's needs glibc 2.38. Cached outside the checkout so
# later runs on the same machine reuse it (~3.3 GB). Prints the chroot's path on the last line.
#
# Safety: nothing of the checkout is ever mounted into the chroot (the tests copy what they need),
# and before the chroot is rebuilt every mount beneath it is unmounted; deletion never crosses
# a file-system boundary and is refused while anything is still mounted there.
set -euo pipefail
R="${ENKASH_SWIFT_CHROOT:-/var/cache/enkash/swift-trixie}"
MIRROR="${ENKASH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
mounts_under() { awk -v r="$R" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r; }
if [ -f "$R/.enkash-ready" ] && [ -x "$R/usr/libexec/swift/bin/swift" ]; then
  echo "swift chroot: reusing $R" >&2
  echo "$R"
  exit 0
fi
SECONDS=0
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
fi
for m in $(mounts_under); do umount "$m" 2>/dev/null || umount -l "$m"; done
if [ -n "$(mounts_under)" ]; then
  echo "swift chroot: refusing to delete $R: still mounted: $(mounts_under | tr '\n' ' ')" >&2
  exit 1
fi
rm -rf --one-file-system "$R" && mkdir -p "$R"
debootstrap --variant=minbase trixie "$R" "$MIRROR" >&2
mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
trap 'umount "$R/proc" 2>/dev/null || true' EXIT
chroot "$R" apt-get update -qq >&2
chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  swiftlang libc6-dev ca-certificates >&2
chroot "$R" swift --version >&2
touch "$R/.enkash-ready"
echo "swift chroot: built $R in ${SECONDS}s" >&2
echo "$R"

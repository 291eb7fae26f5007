# Sourced by ./test.sh (bash). What the Vigil.WebRtc tests and benchmark need from Debian:
#   chromium  - headless browser for the WebRTC interop tests (driven by Microsoft.Playwright)
#   ffmpeg    - H.264 test clips (libx264) and the RTP depacketization oracle
#   coturn    - real STUN/TURN server (turnserver) for relay and TURN-client tests
#   libsrtp2-1 - libsrtp2.so.1, P/Invoked as an independent SRTP check and benchmark baseline
#   openssl   - s_server as an independent DTLS-SRTP keying-material check
#   iproute2, nftables - network namespaces + veth pairs, and packet loss (this kernel has no netem)
# The interop tests create network namespaces, so they need root (CAP_NET_ADMIN).

need_packages chromium ffmpeg coturn libsrtp2-1 openssl iproute2 nftables || return 1

# Debian starts coturn as a service on install where systemd runs; the tests start their own
# instances on test addresses and ports, so a system one (if any) is left alone.

# Delete network namespaces left behind by test runs that crashed (their creator pid is gone).
for _ns in $(ip netns list 2>/dev/null | awk '/^vigil-[0-9]+-[0-9]+/ {print $1}'); do
  _pid=${_ns#vigil-}; _pid=${_pid%%-*}
  [ -d "/proc/$_pid" ] || ip netns delete "$_ns" 2>/dev/null || true
done
unset _ns _pid

export VIGIL_CHROMIUM="${VIGIL_CHROMIUM:-/usr/bin/chromium}"
echo "test.sh: media tools ready (chromium, ffmpeg, coturn, libsrtp2, nftables)" >&2

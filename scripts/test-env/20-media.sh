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
for _ns in $(ip netns list 2>/dev/null | awk '/^vigil-[0-9]+-p?[0-9]+/ {print $1}'); do
  _pid=${_ns#vigil-}; _pid=${_pid%%-*}
  [ -d "/proc/$_pid" ] || ip netns delete "$_ns" 2>/dev/null || true
done
unset _ns _pid

# The namespaces the tests use are made now, before any test starts, and leased to them
# (tests/Vigil.TestSupport/NetworkNamespace.cs): a veth address appearing or going away on the host
# is a network change to every Chromium on the host, which then drops the page it is loading
# (net::ERR_NETWORK_CHANGED). Six slots: at most two or three tests hold one at a time.
# Addresses: 198.19.N.0/24 (RFC 2544 benchmarking space), N free on this machine; the pair routes
# nowhere else, so nothing leaves the machine.
make_netns_pool() {
  local dir="$VIGIL_TEST_TMP/netns-pool" used k=0 n name host inner
  mkdir -p "$dir"
  used=$(ip -4 addr show)
  for ((n = 1; n < 255 && k < 6; n++)); do
    case "$used" in *"198.19.$n."*) continue ;; esac
    k=$((k + 1))
    name="vigil-$$-p$k"; host="vgp$(($$ % 10000))h$k"; inner="vgp$(($$ % 10000))n$k"
    ip netns add "$name" &&
      ip link add "$host" type veth peer name "$inner" &&
      ip link set "$inner" netns "$name" &&
      ip addr add "198.19.$n.1/24" dev "$host" &&
      ip link set "$host" up &&
      ip -n "$name" addr add "198.19.$n.2/24" dev "$inner" &&
      ip -n "$name" link set "$inner" up &&
      ip -n "$name" link set lo up &&
      ip -n "$name" route add default via "198.19.$n.1" || return 1
    on_exit "ip netns delete '$name'"
    echo "$name $host $inner 198.19.$n.1 198.19.$n.2" >"$dir/slot-$k"
  done
  [ $k -eq 6 ] || return 1
  export VIGIL_NETNS_POOL="$dir"
}
if [ "$(id -u)" -eq 0 ]; then
  make_netns_pool || echo "test.sh: WARNING: the network namespace pool was not made; tests make their own (and a browser beside them may see ERR_NETWORK_CHANGED)" >&2
fi

export VIGIL_CHROMIUM="${VIGIL_CHROMIUM:-/usr/bin/chromium}"
echo "test.sh: media tools ready (chromium, ffmpeg, coturn, libsrtp2, nftables)" >&2

# Sourced by ./test.sh. Unmodified clients against the device plane and the front door
# (tests/Vigil.Server.Tests: DeviceSdkCompatibilityTests, AwsCrtCredentialsProviderTests, FrontDoorTests,
# MqttAlpnTests, BrowserSignalingTests): npm aws-iot-device-sdk-v2 and aws-crt from tests/compat (installed
# by 50-signaling.sh at the versions of its package-lock.json; aws-crt's native binding ships inside the
# package), OpenSSL's s_client (ALPN, handshake traces), and util-linux's unshare + mount, which give the
# aws-crt test a private /etc/hosts for the front door's host names. That test binds 127.0.0.1:443, so the
# tests run as root and nothing else may listen there.
need_packages openssl util-linux mount || return 1
_compat="$root/tests/compat"
if ! (cd "$_compat" && node -e "require('aws-crt'); require('aws-iot-device-sdk-v2')") >"$VIGIL_TEST_TMP/aws-crt.log" 2>&1; then
  cat "$VIGIL_TEST_TMP/aws-crt.log" >&2
  echo "test.sh: aws-crt / aws-iot-device-sdk-v2 do not load from $_compat (npm ci there, see 50-signaling.sh)" >&2
  return 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "test.sh: WARNING: not root: the front door test on port 443 (AwsCrtCredentialsProviderTests) will fail" >&2
elif (exec 3<>/dev/tcp/127.0.0.1/443) 2>/dev/null; then
  echo "test.sh: WARNING: something listens on 127.0.0.1:443: AwsCrtCredentialsProviderTests will fail" >&2
fi
export VIGIL_TEST_COMPAT_DIR="$_compat"
unset _compat

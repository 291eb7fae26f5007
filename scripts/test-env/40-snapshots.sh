# Snapshot AI tests: swaks (a real SMTP client, with TLS through Net::SSLeay), aiosmtpd (a real
# SMTP sink, run with Debian's /usr/bin/python3), and the darknet package's sample pictures.
# The YOLOX-Nano model comes from ../shared/models/yolox_nano (never committed here).
need_packages swaks libnet-ssleay-perl libio-socket-ssl-perl python3-aiosmtpd darknet curl || return 1
export VIGIL_TEST_DARKNET_DATA=/usr/share/darknet/data
if [ ! -f "$VIGIL_TEST_DARKNET_DATA/person.jpg" ]; then
  echo "test.sh: the darknet package did not install $VIGIL_TEST_DARKNET_DATA/person.jpg" >&2
  return 1
fi
_model="$root/../shared/models/yolox_nano/yolox_nano.onnx"
if [ ! -f "$_model" ]; then
  echo "test.sh: WARNING: $_model is missing; the detection tests will fail" >&2
fi

# Sourced by ./test.sh. The camera agent's RTSP bridge is tested against a real RTSP camera on
# loopback: GStreamer's RTSP server from Debian, driven by tests/Vigil.TestSupport/rtsp-camera.py
# (python3-gi + the GstRtspServer introspection data; x264enc from plugins-ugly, rtph264pay from
# plugins-good, videotestsrc from plugins-base). The tests start their own servers on free ports.

need_packages python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base \
  gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly || return 1
if ! /usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer' 2>/dev/null; then
  echo "test.sh: GStreamer's RTSP server is not usable from /usr/bin/python3 (python3-gi, gir1.2-gst-rtsp-server-1.0)" >&2
  return 1
fi
echo "test.sh: RTSP test camera ready (GStreamer RTSP server)" >&2

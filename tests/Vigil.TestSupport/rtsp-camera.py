#!/usr/bin/python3
"""A live H.264 RTSP test camera for Vigil's tests and benchmarks: GStreamer's RTSP server (Debian
gir1.2-gst-rtsp-server-1.0, python3-gi, gstreamer1.0-plugins-ugly for x264enc), a moving test
picture encoded with x264 at a fixed keyframe interval, RTP over TCP or UDP as the client asks.
Prints "READY <url>" once it listens; stops on SIGTERM. Started by Vigil.TestSupport.RtspTestServer."""
import argparse, signal, sys
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtspServer, GLib

p = argparse.ArgumentParser()
p.add_argument("--address", default="127.0.0.1")
p.add_argument("--port", type=int, default=8554)
p.add_argument("--path", default="/camera")
p.add_argument("--width", type=int, default=640)
p.add_argument("--height", type=int, default=360)
p.add_argument("--fps", type=int, default=30)
p.add_argument("--gop-seconds", type=float, default=4)
p.add_argument("--bitrate-kbps", type=int, default=1000)
p.add_argument("--profile", default="constrained-baseline")
a = p.parse_args()
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address(a.address)
server.set_service(str(a.port))
factory = GstRtspServer.RTSPMediaFactory()
gop = max(1, int(round(a.gop_seconds * a.fps)))
factory.set_launch(
    f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={a.width},height={a.height},framerate={a.fps}/1 "
    f"! x264enc tune=zerolatency speed-preset=ultrafast bitrate={a.bitrate_kbps} key-int-max={gop} "
    f"! video/x-h264,profile={a.profile} ! rtph264pay name=pay0 pt=96 config-interval=-1 )")
factory.set_shared(True)
server.get_mount_points().add_factory(a.path, factory)
if server.attach(None) == 0:
    print("could not listen", file=sys.stderr); sys.exit(1)
print(f"READY rtsp://{a.address}:{server.get_bound_port()}{a.path}", flush=True)
loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
loop.run()

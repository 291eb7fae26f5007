using Vigil.Agent.Media;

namespace Vigil.Agent.Tests.Media;

public sealed class SourceSpecTests
{
    [Theory]
    [InlineData("testsrc", "TestPattern", "")]
    [InlineData(" TESTSRC ", "TestPattern", "")]
    [InlineData("none", "None", "")]
    [InlineData("file:/var/clips/a.mp4", "File", "/var/clips/a.mp4")]
    [InlineData("file:clips/a.h264", "File", "/etc/vigil/clips/a.h264")]
    [InlineData("rtsp://cam.lan:554/stream1", "Rtsp", "rtsp://cam.lan:554/stream1")]
    [InlineData("rtsps://admin:pw@cam.lan/s", "Rtsp", "rtsps://admin:pw@cam.lan/s")]
    [InlineData("v4l2:/dev/video0", "V4l2", "/dev/video0")]
    public void Sources_are_recognised_and_relative_files_resolved_against_the_base_directory(string text, string kind, string location)
    {
        var source = SourceSpec.Parse(text, "/etc/vigil");

        Assert.Equal((kind, location), (source.Kind.ToString(), source.Location));
        Assert.Equal(source.Kind is SourceKind.TestPattern or SourceKind.V4l2, source.IsEncodedByAgent);
    }

    [Theory]
    [InlineData("ftp://cam/x", "source 'ftp://cam/x' is not one the agent knows; use testsrc, file:PATH, rtsp://HOST[:PORT]/PATH, v4l2:/dev/videoN or none")]
    [InlineData("file:", "source file: needs a path, e.g. file:/var/lib/vigil/clip.mp4")]
    [InlineData("v4l2:video0", "source v4l2:video0: a V4L2 source names a device, e.g. v4l2:/dev/video0")]
    [InlineData("rtsp://", "source rtsp://: not a valid RTSP URL (rtsp://[user:password@]host[:port]/path)")]
    [InlineData("rtsp://bob:hunter2@cam lan/x", "source rtsp://bob:***@cam lan/x: not a valid RTSP URL (rtsp://[user:password@]host[:port]/path)")]
    [InlineData("http://bob:hunter2@cam/x", "source 'http://bob:***@cam/x' is not one the agent knows; use testsrc, file:PATH, rtsp://HOST[:PORT]/PATH, v4l2:/dev/videoN or none")]
    public void A_bad_source_is_one_line_saying_what_is_accepted_and_never_shows_a_password(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<AgentException>(() => SourceSpec.Parse(text, "/")).Message);
    }

    [Theory]
    [InlineData("rtsp://admin:s3cret@cam/live", "rtsp://admin:***@cam/live")]
    [InlineData("rtsp://admin@cam/live", "rtsp://admin@cam/live")]
    [InlineData("rtsp://cam:554/live?user=a", "rtsp://cam:554/live?user=a")]
    [InlineData("rtsp://a:b@c@cam/live", "rtsp://a:***@cam/live")]
    [InlineData("not a url", "not a url")]
    public void Urls_are_shown_without_their_password(string url, string shown)
    {
        Assert.Equal(shown, Redaction.Redact(url));
    }

    [Fact]
    public void Passwords_are_removed_from_ffmpeg_lines_raw_and_percent_decoded()
    {
        var redact = Redaction.For("rtsp://admin:p%40ss%21word@cam:554/live");

        Assert.Equal("rtsp://admin:***@cam:554/live: Connection refused", redact("rtsp://admin:p%40ss%21word@cam:554/live: Connection refused"));
        Assert.Equal("401 for user admin with password ***", redact("401 for user admin with password p@ss!word"));
        Assert.Equal("nothing secret", Redaction.For("rtsp://cam/live")("nothing secret"));
    }
}

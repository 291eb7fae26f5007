// Compiled into every Vigil assembly (see Directory.Build.props).
// Vigil runs on Linux (Debian is the reference platform) and builds and runs on macOS for
// development. It relies on Unix file modes to keep keys private; Windows is not supported.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("macos")]

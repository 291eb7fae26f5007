using System.Runtime.Versioning;

// libsrtp from Debian, network namespaces and Chromium: the benchmark runs on Linux.
[assembly: SupportedOSPlatform("linux")]

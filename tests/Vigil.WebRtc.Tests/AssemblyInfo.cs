using System.Runtime.Versioning;

// The interop tests use Linux network namespaces and Debian packages (see Vigil.TestSupport).
[assembly: SupportedOSPlatform("linux")]

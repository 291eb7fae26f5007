using System.Runtime.Versioning;

// Network namespaces, veth pairs, nftables and Debian packages: this support library is Linux-only.
[assembly: SupportedOSPlatform("linux")]

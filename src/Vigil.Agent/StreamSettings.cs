using System.Globalization;
using System.Net;
using System.Numerics;
using Vigil.Agent.Media;
using Vigil.Contracts.Agent;
using Vigil.WebRtc;

namespace Vigil.Agent;

/// <summary>
/// What <c>vigil-agent run</c> streams and how, validated: the command line wins over <c>agent.json</c>
/// (<c>source</c> and the <c>stream</c> object), which wins over the defaults here. Every problem is one
/// line naming the setting, what it got and what it takes.
/// </summary>
internal sealed record StreamSettings
{
    public SourceSpec Source { get; init; } = SourceSpec.TestPattern;

    public int Width { get; init; } = 1280;

    public int Height { get; init; } = 720;

    public int FrameRate { get; init; } = 30;

    public int BitrateKbps { get; init; } = 2000;

    public double KeyframeSeconds { get; init; } = 2;

    public long GopCacheBytes { get; init; } = 8L * 1024 * 1024;

    public int MaxViewers { get; init; } = 10;

    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<IPAddress> BindAddresses { get; init; } = [];

    public IceTransportPolicy IceTransportPolicy { get; init; } = IceTransportPolicy.All;

    /// <summary>The values given on the command line; null means "not given".</summary>
    internal sealed record Overrides(
        string? Source = null, int? Width = null, int? Height = null, int? FrameRate = null, int? BitrateKbps = null,
        int? GopCacheMegabytes = null, int? MaxViewers = null, double? StallSeconds = null, IReadOnlyList<string>? BindAddresses = null,
        bool RelayOnly = false);

    /// <exception cref="AgentException">A value is out of range or malformed.</exception>
    public static StreamSettings Resolve(AgentBundle bundle, Overrides options)
    {
        var file = bundle.Configuration.Stream ?? new StreamConfiguration();
        var source = options.Source is { } cli
            ? SourceSpec.Parse(cli, Environment.CurrentDirectory)
            : bundle.Configuration.Source is { } configured ? SourceSpec.Parse(configured, bundle.Directory) : SourceSpec.TestPattern;
        var defaults = new StreamSettings();
        var width = Check(options.Width, "--width", file.Width, "stream.width", defaults.Width, 16, 3840, even: true);
        var height = Check(options.Height, "--height", file.Height, "stream.height", defaults.Height, 16, 2160, even: true);
        var policy = options.RelayOnly ? "relay" : file.IceTransportPolicy ?? "all";
        return new StreamSettings
        {
            Source = source,
            Width = width,
            Height = height,
            FrameRate = Check(options.FrameRate, "--fps", file.FrameRate, "stream.frameRate", defaults.FrameRate, 1, 60),
            BitrateKbps = Check(options.BitrateKbps, "--bitrate", file.BitrateKbps, "stream.bitrateKbps", defaults.BitrateKbps, 100, 50_000),
            KeyframeSeconds = Check(null, string.Empty, file.KeyframeSeconds, "stream.keyframeSeconds", defaults.KeyframeSeconds, 0.5, 60),
            GopCacheBytes = Check(options.GopCacheMegabytes, "--gop-cache", file.GopCacheMegabytes, "stream.gopCacheMegabytes", 8, 1, 256) * 1024L * 1024,
            MaxViewers = Check(options.MaxViewers, "--max-viewers", file.MaxViewers, "stream.maxViewers", defaults.MaxViewers, 1, 100),
            StallTimeout = TimeSpan.FromSeconds(Check(options.StallSeconds, "--stall-timeout", file.StallSeconds, "stream.stallSeconds", defaults.StallTimeout.TotalSeconds, 1, 600)),
            BindAddresses = ParseAddresses(options.BindAddresses is { Count: > 0 } given ? (given, "--bind") : (file.BindAddresses ?? [], "stream.bindAddresses")),
            IceTransportPolicy = policy.ToLowerInvariant() switch
            {
                "all" => IceTransportPolicy.All,
                "relay" => IceTransportPolicy.Relay,
                _ => throw new AgentException($"stream.iceTransportPolicy '{policy}': use all or relay"),
            },
        };
    }

    private static T Check<T>(T? cli, string cliName, T? file, string fileName, T fallback, T min, T max, bool even = false)
        where T : struct, INumber<T>
    {
        var (value, name) = cli is { } c ? (c, cliName) : file is { } f ? (f, fileName) : (fallback, string.Empty);
        if (value < min || value > max || (even && !T.IsEvenInteger(value)))
        {
            throw new AgentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} {value}: must be {(even ? "an even number" : "a number")} from {min} to {max}"));
        }

        return value;
    }

    private static List<IPAddress> ParseAddresses((IReadOnlyList<string> Values, string Name) given)
    {
        var addresses = new List<IPAddress>();
        foreach (var text in given.Values)
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                throw new AgentException($"{given.Name} {text}: not an IP address");
            }

            addresses.Add(address);
        }

        return addresses;
    }
}

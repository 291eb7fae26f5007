using Vigil.Server.Features.Devices;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// A manufacturing-registry file (CSV or JSON), as <c>vigil registry import</c> and the admin API read it:
/// the format detected from the content, then parsed as both formats. Documented refusal: a
/// <see cref="RegistryParseResult"/> with problems; never an exception.
/// </summary>
internal static class RegistryHarness
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        _ = RegistryFileParser.Detect("registry", data);
        Check(RegistryFileParser.Parse(data, RegistryFileFormat.Csv));
        Check(RegistryFileParser.Parse(data, RegistryFileFormat.Json));
    }

    private static void Check(RegistryParseResult result)
    {
        if (result.Problems.Count > RegistryFileParser.MaxProblems + 1)
        {
            throw new InvalidOperationException($"RegistryFileParser reported {result.Problems.Count} problems; at most {RegistryFileParser.MaxProblems} (and a last one saying so) are kept.");
        }
    }
}

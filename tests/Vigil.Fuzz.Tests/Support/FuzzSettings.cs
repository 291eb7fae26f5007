using System.Globalization;

namespace Vigil.Fuzz.Tests.Support;

/// <summary>
/// How long and how hard a bounded run fuzzes, from the environment: <c>VIGIL_FUZZ_SECONDS</c> (per target,
/// default 10), <c>VIGIL_FUZZ_HANG_MS</c> (per input, default 1000), <c>VIGIL_FUZZ_SEED</c> (default: a new one,
/// printed), <c>VIGIL_FUZZ_FINDINGS</c> (where failing inputs are saved; default a folder in the temp directory).
/// </summary>
internal sealed record FuzzSettings(TimeSpan Duration, TimeSpan HangLimit, int Seed, string FindingsDirectory, int MaxInputLength)
{
    public static FuzzSettings FromEnvironment() => new(
        TimeSpan.FromSeconds(Number("VIGIL_FUZZ_SECONDS", 10)),
        TimeSpan.FromMilliseconds(Number("VIGIL_FUZZ_HANG_MS", 1000)),
        Environment.GetEnvironmentVariable("VIGIL_FUZZ_SEED") is { Length: > 0 } seed
            ? int.Parse(seed, CultureInfo.InvariantCulture)
            : Random.Shared.Next(), // which inputs get tried; printed, so a run can be repeated
        Environment.GetEnvironmentVariable("VIGIL_FUZZ_FINDINGS") is { Length: > 0 } findings
            ? findings
            : Path.Combine(Path.GetTempPath(), "vigil-fuzz-findings"),
        MaxInputLength: 320 * 1024);

    private static double Number(string name, double fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? double.Parse(text, CultureInfo.InvariantCulture)
            : fallback;
}

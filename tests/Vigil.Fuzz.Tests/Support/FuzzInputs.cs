namespace Vigil.Fuzz.Tests.Support;

/// <summary>The committed inputs of a target, copied beside the tests: <c>corpus/NAME/</c> and <c>regressions/NAME/</c>.</summary>
internal static class FuzzInputs
{
    public static TheoryData<string> Targets => [.. FuzzTargets.Names];

    public static IReadOnlyList<string> Corpus(string target) => Files("corpus", target);

    public static IReadOnlyList<string> Regressions(string target) => Files("regressions", target);

    public static FuzzHarness Harness(string target) =>
        FuzzTargets.Find(target)?.Run ?? throw new ArgumentException($"There is no fuzzing target '{target}'.", nameof(target));

    private static string[] Files(string kind, string target)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, kind, target);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "README.md").Order(StringComparer.Ordinal)]
            : [];
    }
}

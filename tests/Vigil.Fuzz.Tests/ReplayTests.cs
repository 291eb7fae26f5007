using Vigil.Fuzz.Tests.Support;

namespace Vigil.Fuzz.Tests;

/// <summary>Every committed seed and regression input passes its harness, within the hang limit.</summary>
public sealed class ReplayTests
{
    public static TheoryData<string> Targets => FuzzInputs.Targets;

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_seed_and_regression_input_passes_its_harness(string target)
    {
        var settings = FuzzSettings.FromEnvironment();
        var files = FuzzInputs.Corpus(target).Concat(FuzzInputs.Regressions(target)).ToList();
        Assert.True(files.Count > 0, $"fuzz/corpus/{target}/ has no seed; add a real example input there.");
        foreach (var file in files)
        {
            if (MutationFuzzer.RunAlone(FuzzInputs.Harness(target), File.ReadAllBytes(file), settings.HangLimit) is { } finding)
            {
                Assert.Fail($"{file}:\n" + finding.Report(target, settings.FindingsDirectory));
            }
        }
    }
}

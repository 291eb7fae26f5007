using Vigil.Fuzz.Tests.Support;

namespace Vigil.Fuzz.Tests;

/// <summary>
/// A bounded mutation-fuzzing run per target (VIGIL_FUZZ_SECONDS, default 10 s). The targets share this
/// class, so they run one after another on one core while the other test assemblies use the rest.
/// </summary>
public sealed class FuzzingTests
{
    public static TheoryData<string> Targets => FuzzInputs.Targets;

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Mutated_inputs_neither_crash_nor_hang_the_parser(string target)
    {
        var settings = FuzzSettings.FromEnvironment();
        var corpus = FuzzInputs.Corpus(target).Concat(FuzzInputs.Regressions(target)).Select(File.ReadAllBytes).ToList();
        Assert.True(corpus.Count > 0, $"fuzz/corpus/{target}/ has no seed; add a real example input there.");

        var (executions, finding) = await MutationFuzzer.RunAsync(FuzzInputs.Harness(target), corpus, settings, TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{target}: {executions} inputs in {settings.Duration.TotalSeconds:F0} s (seed {settings.Seed}, VIGIL_FUZZ_SEED to repeat)");
        if (finding is not null)
        {
            Assert.Fail(finding.Report(target, settings.FindingsDirectory) + $"\n(seed {settings.Seed})");
        }

        Assert.True(executions > 0, "the fuzzer ran no input");
    }
}

using System.Text;
using Vigil.Fuzz.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.Fuzz.Tests;

/// <summary>The bounded fuzzer itself: it must find what a harness does wrong, and say how to reproduce it.</summary>
public sealed class MutationFuzzerTests
{
    private static readonly byte[][] Corpus = [Encoding.ASCII.GetBytes("HELO camera.example\r\n")];

    [Fact]
    public async Task A_harness_that_throws_on_some_input_is_reported_as_a_crash_with_the_input()
    {
        var settings = Settings(seconds: 20);
        var (_, finding) = await MutationFuzzer.RunAsync(
            static data =>
            {
                if (data.IndexOf("\r\n"u8) < 0)
                {
                    throw new FormatException("no line end");
                }
            },
            Corpus, settings, TestContext.Current.CancellationToken);

        Assert.NotNull(finding);
        Assert.Equal("crash", finding.Kind);
        Assert.IsType<FormatException>(finding.Exception);
        Assert.DoesNotContain("\r\n"u8.ToArray(), SplitPairs(finding.Input));

        using var findings = new TempDirectory();
        var report = finding.Report("example", findings.Path);
        var saved = Directory.GetFiles(Path.Combine(findings.Path, "example")).Single();
        Assert.Equal(finding.Input, File.ReadAllBytes(saved));
        Assert.Contains(saved, report, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(finding.Input), report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_harness_that_never_returns_on_some_input_is_reported_as_a_hang()
    {
        var settings = Settings(seconds: 20) with { HangLimit = TimeSpan.FromMilliseconds(100) };
        using var release = new ManualResetEventSlim();
        var (_, finding) = await MutationFuzzer.RunAsync(
            data =>
            {
                if (data.Length < 10)
                {
                    release.Wait(TestContext.Current.CancellationToken);
                }
            },
            Corpus, settings, TestContext.Current.CancellationToken);
        release.Set();

        Assert.NotNull(finding);
        Assert.Equal("hang", finding.Kind);
        Assert.True(finding.Input.Length < 10);
    }

    [Fact]
    public void A_replayed_input_that_throws_is_a_crash_and_one_that_passes_is_not()
    {
        Assert.Null(MutationFuzzer.RunAlone(static _ => { }, [1, 2, 3], TimeSpan.FromSeconds(5)));
        var finding = MutationFuzzer.RunAlone(static _ => throw new InvalidOperationException("bug"), [1, 2, 3], TimeSpan.FromSeconds(5));
        Assert.Equal("crash", finding?.Kind);
    }

    [Fact]
    public void Every_target_has_a_harness_and_a_seed_corpus()
    {
        Assert.Equal(["stun", "sdp", "rtcp", "smtp", "mime", "signaling", "sigv4", "policy", "registry", "mqtt", "proxy"], FuzzTargets.Names);
        foreach (var target in FuzzTargets.All)
        {
            Assert.NotEmpty(FuzzInputs.Corpus(target.Name));
        }
    }

    private static FuzzSettings Settings(int seconds) =>
        FuzzSettings.FromEnvironment() with { Duration = TimeSpan.FromSeconds(seconds), HangLimit = TimeSpan.FromSeconds(1), Seed = 1 };

    private static IEnumerable<byte[]> SplitPairs(byte[] input) =>
        Enumerable.Range(0, Math.Max(0, input.Length - 1)).Select(i => input[i..(i + 2)]);
}

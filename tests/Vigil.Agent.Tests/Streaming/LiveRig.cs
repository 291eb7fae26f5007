using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Streaming;

/// <summary>Starts a <see cref="LiveViewRig"/> that reports to the running test's output.</summary>
internal static class LiveRig
{
    public static Task<LiveViewRig> StartAsync(string thing, bool turn = false) =>
        LiveViewRig.StartAsync(thing, turn, line => TestContext.Current.TestOutputHelper?.WriteLine(line), TestContext.Current.CancellationToken);
}

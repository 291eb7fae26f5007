using Vigil.Server.Features.Signaling;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Signaling;

public sealed class ChannelStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(StorageProviders.All), MemberType = typeof(StorageProviders))]
    public async Task Ensure_creates_a_things_channel_once_and_returns_it_after(string provider)
    {
        await using var vigil = await TestVigil.StartAsync(provider, cancellationToken: Ct);

        var first = await vigil.InScopeAsync<ChannelStore, SignalingChannel>(store => store.EnsureAsync("SN-0001", "vigil", Ct));
        var again = await vigil.InScopeAsync<ChannelStore, SignalingChannel>(store => store.EnsureAsync("SN-0001", "vigil", Ct));
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => vigil.InScopeAsync<ChannelStore, SignalingChannel>(store => store.EnsureAsync("SN-0002", "vigil", Ct))));

        Assert.Equal(first.Arn, again.Arn);
        Assert.Matches(@"^arn:aws:kinesisvideo:us-east-1:000000000000:channel/SN-0001/\d{13}$", first.Arn);
        Assert.Equal(60, first.MessageTtlSeconds);
        Assert.Single(concurrent.Select(c => c.Arn).Distinct());
        await Assert.ThrowsAsync<OperatorException>(() => vigil.InScopeAsync<ChannelStore, SignalingChannel>(store => store.EnsureAsync("no spaces", "vigil", Ct)));
    }
}

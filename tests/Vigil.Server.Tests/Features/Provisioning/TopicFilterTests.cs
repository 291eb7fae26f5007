using Vigil.Server.Features.Provisioning;

namespace Vigil.Server.Tests.Features.Provisioning;

/// <summary>MQTT topic matching (§4.7) and the "covers" rule that authorizes subscriptions.</summary>
public sealed class TopicFilterTests
{
    [Theory]
    [InlineData("things/A/#", "things/A", true)]
    [InlineData("things/A/#", "things/A/x/y", true)]
    [InlineData("things/A/#", "things/B/x", false)]
    [InlineData("things/+/state", "things/A/state", true)]
    [InlineData("things/+/state", "things/A/other", false)]
    [InlineData("+/A/state", "things/A/state", true)]
    [InlineData("#", "$aws/events/presence/connected/A", false)]
    [InlineData("+/events/x", "$aws/events/x", false)]
    [InlineData("$aws/events/presence/#", "$aws/events/presence/connected/A", true)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("a/b/c", "a/b", false)]
    [InlineData("a/+", "a/", true)]
    public void Matches_follows_the_MQTT_rules(string filter, string topic, bool expected) =>
        Assert.Equal(expected, TopicFilter.Matches(filter, topic));

    [Theory]
    [InlineData("things/A/#", "things/A/#", true)]
    [InlineData("things/A/#", "things/A/+/state", true)]
    [InlineData("things/A/#", "things/A", true)]
    [InlineData("things/A/#", "things/+/state", false)]
    [InlineData("things/A/#", "things/#", false)]
    [InlineData("things/A/#", "#", false)]
    [InlineData("things/A/#", "+/A/state", false)]
    [InlineData("things/+/state", "things/A/state", true)]
    [InlineData("things/+/state", "things/+/state", true)]
    [InlineData("things/+/state", "things/#", false)]
    [InlineData("a/b", "a/b/c", false)]
    [InlineData("a/b/c", "a/b", false)]
    public void A_subscription_is_covered_only_when_it_cannot_reach_beyond_the_allowed_filter(string allowed, string requested, bool expected) =>
        Assert.Equal(expected, TopicFilter.Covers(allowed, requested));

    [Theory]
    [InlineData("a/#", true)]
    [InlineData("a/+/b", true)]
    [InlineData("#", true)]
    [InlineData("a/#/b", false)]
    [InlineData("a/b#", false)]
    [InlineData("a/b+/c", false)]
    [InlineData("", false)]
    public void Filters_are_validated(string filter, bool valid) => Assert.Equal(valid, TopicFilter.IsValidFilter(filter));

    [Fact]
    public void Random_filters_and_topics_never_throw()
    {
        var random = new Random(7);
        const string alphabet = "ab/+#$";
        for (var i = 0; i < 20_000; i++)
        {
            var a = new string([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var b = new string([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            if (TopicFilter.IsValidFilter(a) && TopicFilter.IsValidFilter(b) && TopicFilter.Covers(a, b) && TopicFilter.IsValidTopic(b.Replace("+", "x", StringComparison.Ordinal).Replace("#", "y", StringComparison.Ordinal)))
            {
                // Whatever b can match, a matches too.
                Assert.True(TopicFilter.Matches(a, b.Replace("+", "x", StringComparison.Ordinal).Replace("#", "y", StringComparison.Ordinal)), $"{a} covers {b}");
            }

            _ = TopicFilter.Matches(a, b);
        }
    }

    [Theory]
    [InlineData("$aws/certificates/create/json", true)]
    [InlineData("$aws/certificates/create-from-csr/json", true)]
    [InlineData("$aws/provisioning-templates/T1/provision/json", true)]
    [InlineData("$aws/certificates/create/cbor", false)]
    [InlineData("$aws/provisioning-templates/T1/x/provision/json", false)]
    [InlineData("$aws/provisioning-templates//provision/json", false)]
    [InlineData("$aws/certificates/create/json/accepted", false)]
    public void Only_the_fleet_provisioning_request_topics_are_requests(string topic, bool expected) =>
        Assert.Equal(expected, FleetProvisioningTopics.TryParseRequest(topic, out _));
}

using Vigil.Server.Features.Credentials;
using Vigil.Server.Features.Credentials.Policies;

namespace Vigil.Server.Tests.Features.Credentials;

public sealed class PolicyEvaluationTests
{
    private const string Channel1 = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1/1700000000000";
    private const string Channel2 = "arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-2/1700000000001";

    private static readonly Dictionary<string, string> NoVariables = [];

    private static AccessPolicy Policy(string statements) =>
        AccessPolicy.Parse($$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""");

    private static string Allow(string action, string resource) => $$"""{"Effect":"Allow","Action":"{{action}}","Resource":"{{resource}}"}""";

    private static string Deny(string action, string resource) => $$"""{"Effect":"Deny","Action":"{{action}}","Resource":"{{resource}}"}""";

    [Theory]
    [InlineData("kinesisvideo:*", "kinesisvideo:ConnectAsViewer", true)]
    [InlineData("kinesisvideo:Connect*", "kinesisvideo:ConnectAsMaster", true)]
    [InlineData("kinesisvideo:ConnectAs?iewer", "kinesisvideo:ConnectAsViewer", true)]
    [InlineData("kinesisvideo:ConnectAs?iewer", "kinesisvideo:ConnectAsMaster", false)]
    [InlineData("KinesisVideo:connectasviewer", "kinesisvideo:ConnectAsViewer", true)]
    [InlineData("*", "kinesisvideo:DeleteSignalingChannel", true)]
    [InlineData("iot:*", "kinesisvideo:ConnectAsViewer", false)]
    [InlineData("kinesisvideo:Describe*", "kinesisvideo:DeleteSignalingChannel", false)]
    public void Actions_match_with_wildcards_and_ignore_case(string pattern, string action, bool allowed)
    {
        var policy = Policy(Allow(pattern, "*"));

        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny, policy.Evaluate(action, Channel1, NoVariables));
    }

    [Theory]
    [InlineData("arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1/*", Channel1, true)]
    [InlineData("arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1/*", Channel2, false)]
    [InlineData("arn:aws:kinesisvideo:*:*:channel/camera-?/*", Channel2, true)]
    [InlineData("arn:aws:kinesisvideo:*:*:channel/camera-??/*", Channel2, false)]
    [InlineData("arn:aws:kinesisvideo:us-east-1:000000000000:channel/CAMERA-1/*", Channel1, false)]
    [InlineData("arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1", Channel1, false)]
    [InlineData("arn:aws:kinesisvideo:*", Channel1, true)]
    [InlineData("*", Channel1, true)]
    [InlineData("arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1/*", "*", false)]
    public void Resources_match_with_wildcards_and_respect_case(string pattern, string resource, bool allowed)
    {
        var policy = Policy(Allow("kinesisvideo:*", pattern));

        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny, policy.Evaluate("kinesisvideo:DescribeSignalingChannel", resource, NoVariables));
    }

    [Fact]
    public void An_explicit_deny_wins_over_any_allow_in_any_order()
    {
        var denyFirst = Policy(Deny("kinesisvideo:ConnectAsMaster", "*") + "," + Allow("kinesisvideo:*", "*"));
        var denyLast = Policy(Allow("kinesisvideo:*", "*") + "," + Deny("kinesisvideo:ConnectAsMaster", "*"));

        Assert.Equal(PolicyDecision.ExplicitDeny, denyFirst.Evaluate("kinesisvideo:ConnectAsMaster", Channel1, NoVariables));
        Assert.Equal(PolicyDecision.ExplicitDeny, denyLast.Evaluate("kinesisvideo:ConnectAsMaster", Channel1, NoVariables));
        Assert.Equal(PolicyDecision.Allow, denyLast.Evaluate("kinesisvideo:ConnectAsViewer", Channel1, NoVariables));
    }

    [Fact]
    public void Nothing_applies_means_implicit_deny()
    {
        var policy = Policy(Allow("kinesisvideo:DescribeSignalingChannel", Channel1));

        Assert.Equal(PolicyDecision.ImplicitDeny, policy.Evaluate("kinesisvideo:ConnectAsMaster", Channel1, NoVariables));
    }

    [Fact]
    public void Thing_name_variable_limits_a_camera_to_its_own_channel()
    {
        var policy = Policy(Allow("kinesisvideo:*", "arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*"));
        var camera1 = CredentialPrincipal.Thing("camera-1", "a1b2c3");

        Assert.Equal(PolicyDecision.Allow, policy.Evaluate("kinesisvideo:ConnectAsMaster", Channel1, camera1.Variables));
        Assert.Equal(PolicyDecision.ImplicitDeny, policy.Evaluate("kinesisvideo:ConnectAsMaster", Channel2, camera1.Variables));
    }

    [Fact]
    public void Variable_keys_ignore_case_and_values_are_literal_text_never_wildcards()
    {
        var policy = Policy(Allow("kinesisvideo:*", "arn:aws:kinesisvideo:*:*:channel/${Credentials-IoT:thingname}/*"));
        var sneaky = CredentialPrincipal.Thing("camera-*", "a1b2c3");

        Assert.Equal(PolicyDecision.ImplicitDeny, policy.Evaluate("kinesisvideo:ConnectAsMaster", Channel1, sneaky.Variables));
        Assert.Equal(PolicyDecision.Allow, policy.Evaluate("kinesisvideo:ConnectAsMaster", "arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-*/1", sneaky.Variables));
        Assert.Equal(PolicyDecision.Allow, policy.Evaluate("kinesisvideo:ConnectAsMaster", Channel1, CredentialPrincipal.Thing("camera-1", "x").Variables));
    }

    [Fact]
    public void A_missing_variable_matches_nothing_unless_it_has_a_default()
    {
        var strict = Policy(Allow("kinesisvideo:*", "arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*"));
        var withDefault = Policy(Allow("kinesisvideo:*", "arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName, 'camera-1'}/*"));
        var user = CredentialPrincipal.User("alice@example.com");

        Assert.Equal(PolicyDecision.ImplicitDeny, strict.Evaluate("kinesisvideo:ConnectAsViewer", Channel1, user.Variables));
        Assert.Equal(PolicyDecision.Allow, withDefault.Evaluate("kinesisvideo:ConnectAsViewer", Channel1, user.Variables));
        Assert.Equal(PolicyDecision.ImplicitDeny, withDefault.Evaluate("kinesisvideo:ConnectAsViewer", Channel2, user.Variables));
    }

    [Fact]
    public void A_deny_with_a_missing_variable_does_not_apply()
    {
        var policy = Policy(Allow("kinesisvideo:*", "*") + "," + Deny("kinesisvideo:*", "arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*"));

        Assert.Equal(PolicyDecision.Allow, policy.Evaluate("kinesisvideo:ConnectAsViewer", Channel1, CredentialPrincipal.User("a@example.com").Variables));
        Assert.Equal(PolicyDecision.ExplicitDeny, policy.Evaluate("kinesisvideo:ConnectAsViewer", Channel1, CredentialPrincipal.Thing("camera-1", "x").Variables));
    }

    [Fact]
    public void Escapes_stand_for_literal_wildcard_characters()
    {
        var policy = Policy(Allow("kinesisvideo:*", "arn:aws:kinesisvideo:*:*:channel/odd${*}name${?}/*"));

        Assert.Equal(PolicyDecision.Allow, policy.Evaluate("kinesisvideo:ConnectAsViewer", "arn:aws:kinesisvideo:r:1:channel/odd*name?/1", NoVariables));
        Assert.Equal(PolicyDecision.ImplicitDeny, policy.Evaluate("kinesisvideo:ConnectAsViewer", "arn:aws:kinesisvideo:r:1:channel/oddXnameY/1", NoVariables));
    }

    [Fact]
    public void In_the_old_version_and_without_a_version_variables_are_literal_text()
    {
        var old = AccessPolicy.Parse("""{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"arn:aws:kinesisvideo:*:*:channel/${aws:username}/*"}]}""");
        var none = AccessPolicy.Parse("""{"Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"arn:aws:kinesisvideo:*:*:channel/${aws:username}/*"}]}""");
        var alice = CredentialPrincipal.User("alice");

        foreach (var policy in new[] { old, none })
        {
            Assert.Equal(PolicyDecision.ImplicitDeny, policy.Evaluate("kinesisvideo:ConnectAsViewer", "arn:aws:kinesisvideo:r:1:channel/alice/1", alice.Variables));
            Assert.Equal(PolicyDecision.Allow, policy.Evaluate("kinesisvideo:ConnectAsViewer", "arn:aws:kinesisvideo:r:1:channel/${aws:username}/1", alice.Variables));
        }
    }

    [Fact]
    public void A_session_policy_only_narrows_what_the_principal_may_do()
    {
        var principal = Policy(Allow("kinesisvideo:*", "*"));
        var session = Policy(Allow("kinesisvideo:ConnectAsViewer", "arn:aws:kinesisvideo:*:*:channel/camera-1/*"));

        Assert.Equal(PolicyDecision.Allow, AccessPolicy.Evaluate(principal, session, "kinesisvideo:ConnectAsViewer", Channel1, NoVariables));
        Assert.Equal(PolicyDecision.ImplicitDeny, AccessPolicy.Evaluate(principal, session, "kinesisvideo:ConnectAsMaster", Channel1, NoVariables));
        Assert.Equal(PolicyDecision.ImplicitDeny, AccessPolicy.Evaluate(principal, session, "kinesisvideo:ConnectAsViewer", Channel2, NoVariables));
        Assert.Equal(PolicyDecision.Allow, AccessPolicy.Evaluate(principal, null, "kinesisvideo:ConnectAsMaster", Channel2, NoVariables));
    }

    [Fact]
    public void A_session_policy_cannot_widen_the_principal_policy()
    {
        var principal = Policy(Allow("kinesisvideo:ConnectAsViewer", "*"));
        var session = Policy(Allow("*", "*"));

        Assert.Equal(PolicyDecision.ImplicitDeny, AccessPolicy.Evaluate(principal, session, "kinesisvideo:DeleteSignalingChannel", Channel1, NoVariables));
        Assert.Equal(PolicyDecision.Allow, AccessPolicy.Evaluate(principal, session, "kinesisvideo:ConnectAsViewer", Channel1, NoVariables));
    }

    [Fact]
    public void A_deny_in_either_policy_wins()
    {
        var principal = Policy(Allow("kinesisvideo:*", "*") + "," + Deny("kinesisvideo:DeleteSignalingChannel", "*"));
        var session = Policy(Allow("kinesisvideo:*", "*") + "," + Deny("kinesisvideo:ConnectAsMaster", "*"));

        Assert.Equal(PolicyDecision.ExplicitDeny, AccessPolicy.Evaluate(principal, session, "kinesisvideo:DeleteSignalingChannel", Channel1, NoVariables));
        Assert.Equal(PolicyDecision.ExplicitDeny, AccessPolicy.Evaluate(principal, session, "kinesisvideo:ConnectAsMaster", Channel1, NoVariables));
        Assert.Equal(PolicyDecision.Allow, AccessPolicy.Evaluate(principal, session, "kinesisvideo:ConnectAsViewer", Channel1, NoVariables));
    }

    [Fact]
    public void Star_patterns_do_not_backtrack_exponentially()
    {
        var policy = Policy(Allow("kinesisvideo:*", "arn:" + string.Concat(Enumerable.Repeat("*a", 40)) + "b"));
        var resource = "arn:" + new string('a', 2000);

        Assert.Equal(PolicyDecision.ImplicitDeny, policy.Evaluate("kinesisvideo:ConnectAsViewer", resource, NoVariables));
    }
}

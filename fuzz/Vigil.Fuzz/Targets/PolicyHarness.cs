using System.Text;
using Vigil.Server.Features.Credentials.Policies;

namespace Vigil.Fuzz.Targets;

/// <summary>
/// An IAM-style policy document (an access key's policy, a session policy): parse, evaluate a few
/// requests with variables, and parse the normalised JSON again (what a session token carries).
/// Documented refusal: <see cref="PolicyFormatException"/>.
/// </summary>
internal static class PolicyHarness
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["credentials-iot:ThingName"] = "CAM-0001",
        ["aws:username"] = "alice@example.com",
    };

    public static void Run(ReadOnlySpan<byte> data)
    {
        AccessPolicy policy;
        try
        {
            policy = AccessPolicy.Parse(Encoding.UTF8.GetString(data));
        }
        catch (PolicyFormatException)
        {
            return;
        }

        const string channel = "arn:aws:kinesisvideo:us-east-1:123456789012:channel/CAM-0001/1700000000000";
        _ = policy.Evaluate("kinesisvideo:ConnectAsViewer", channel, Variables);
        _ = policy.Evaluate("kinesisvideo:DescribeSignalingChannel", "*", Variables);
        _ = AccessPolicy.Evaluate(policy, AccessPolicy.KinesisVideoFullAccess, "kinesisvideo:ConnectAsMaster", channel, Variables);

        // A policy that parsed once must parse again from its normalised form (it travels that way).
        _ = AccessPolicy.ParseNormalized(policy.Json);
    }
}

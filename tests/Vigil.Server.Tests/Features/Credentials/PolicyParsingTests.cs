using Vigil.Server.Features.Credentials.Policies;

namespace Vigil.Server.Tests.Features.Credentials;

public sealed class PolicyParsingTests
{
    [Fact]
    public void The_sample_camera_role_policy_parses_and_keeps_its_statements()
    {
        var policy = AccessPolicy.Parse("""
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "Camera",
                  "Effect": "Allow",
                  "Action": ["kinesisvideo:DescribeSignalingChannel", "kinesisvideo:CreateSignalingChannel", "kinesisvideo:GetSignalingChannelEndpoint",
                             "kinesisvideo:GetIceServerConfig", "kinesisvideo:ConnectAsMaster"],
                  "Resource": "arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*"
                }
              ]
            }
            """);

        var statement = Assert.Single(policy.Statements);
        Assert.Equal("2012-10-17", policy.Version);
        Assert.Equal("Camera", statement.Sid);
        Assert.Equal(PolicyEffect.Allow, statement.Effect);
        Assert.Equal(5, statement.Actions.Count);
        Assert.True(Assert.Single(statement.Resources).HasVariables);
    }

    [Fact]
    public void A_single_statement_object_and_string_values_are_accepted_and_normalised_to_arrays()
    {
        var policy = AccessPolicy.Parse("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"kinesisvideo:*","Resource":"*"}}""");

        Assert.Equal("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["kinesisvideo:*"],"Resource":["*"]}]}""", policy.Json);
        Assert.Equal(policy.Json, AccessPolicy.ParseNormalized(policy.Json).Json);
    }

    [Theory]
    [InlineData("""[]""", "the policy must be a JSON object with a Statement")]
    [InlineData("""{}""", "Statement: is required")]
    [InlineData("""{"Statement":[]}""", "Statement: must not be empty")]
    [InlineData("""{"Statement":"Allow"}""", "Statement: must be an object or an array of objects")]
    [InlineData("""{"Version":"2024-01-01","Statement":[]}""", "Version: must be \"2012-10-17\" (or the old \"2008-10-17\")")]
    [InlineData("""{"Version":1,"Statement":[]}""", "Version: must be a string")]
    [InlineData("""{"Statment":[]}""", "the policy: unknown element \"Statment\" (known: Version, Id, Statement)")]
    [InlineData("""{"Statement":[{"Action":"kinesisvideo:*","Resource":"*"}]}""", "Statement[0].Effect: is required")]
    [InlineData("""{"Statement":[{"Effect":"allow","Action":"kinesisvideo:*","Resource":"*"}]}""", "Statement[0].Effect: must be \"Allow\" or \"Deny\"")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Resource":"*"}]}""", "Statement[0].Action: is required")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"kinesisvideo:*"}]}""", "Statement[0].Resource: is required")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}""", "Statement[0].Action: must not be empty")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"ConnectAsViewer","Resource":"*"}]}""", "Statement[0].Action: must be \"*\" or service:action, e.g. \"kinesisvideo:ConnectAsViewer\" or \"kinesisvideo:*\"")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":["kinesisvideo:*", 5],"Resource":"*"}]}""", "Statement[0].Action[1]: must be a string")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"channel/*"}]}""", "Statement[0].Resource: must be \"*\" or an ARN such as \"arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1/*\"")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":""}]}""", "Statement[0].Resource: must be 1 to 2048 characters")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"*","Condition":{}}]}""", "Statement[0].Condition: is not supported by Vigil; write the statement with Action and Resource only")]
    [InlineData("""{"Statement":[{"Effect":"Allow","NotAction":"kinesisvideo:*","Resource":"*"}]}""", "Statement[0].NotAction: is not supported by Vigil; write the statement with Action and Resource only")]
    [InlineData("""{"Statement":[{"Effect":"Deny","Effect":"Allow","Action":"kinesisvideo:*","Resource":"*"}]}""", "Statement[0]: \"Effect\" appears twice")]
    [InlineData("""{"Statement":[{"Sid":"has space","Effect":"Allow","Action":"kinesisvideo:*","Resource":"*"}]}""", "Statement[0].Sid: may contain only letters and digits (at most 128)")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName/*"}]}""", "Statement[0].Resource: a policy variable '${' has no closing '}'")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"arn:aws:kinesisvideo:*:*:channel/${}/*"}]}""", "Statement[0].Resource: a policy variable must be ${key} or ${key, 'default'} with a key of letters, digits and : _ - . /")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"arn:aws:kinesisvideo:*:*:channel/${aws:username, none}/*"}]}""", "Statement[0].Resource: a policy variable's default must be quoted: ${key, 'default'}")]
    public void Malformed_policies_are_refused_naming_the_element(string json, string expected)
    {
        var error = Assert.Throws<PolicyFormatException>(() => AccessPolicy.Parse(json));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Text_that_is_not_json_is_refused_as_a_policy_error()
    {
        var error = Assert.Throws<PolicyFormatException>(() => AccessPolicy.Parse("{\"Statement\": [ {\"Effect\": 'Allow'} ]"));

        Assert.StartsWith("the policy is not valid JSON: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_over_the_size_limit_is_refused_before_parsing()
    {
        var huge = """{"Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"arn:""" + new string('a', AccessPolicy.MaxDocumentLength) + "\"}]}";

        var error = Assert.Throws<PolicyFormatException>(() => AccessPolicy.Parse(huge));

        Assert.Equal($"the policy is {huge.Length} characters long; at most 10240 are allowed", error.Message);
    }

    [Fact]
    public void Deep_nesting_and_too_many_statements_are_refused()
    {
        var deep = """{"Statement":""" + new string('[', 40) + new string(']', 40) + "}";
        var many = """{"Statement":[""" + string.Join(',', Enumerable.Repeat("""{"Effect":"Allow","Action":"a:b","Resource":"*"}""", 101)) + "]}";

        Assert.Throws<PolicyFormatException>(() => AccessPolicy.Parse(deep));
        Assert.Equal("Statement: has 101 statements; at most 100 are allowed", Assert.Throws<PolicyFormatException>(() => AccessPolicy.Parse(many)).Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_policy_is_either_a_policy_or_a_policy_error()
    {
        const string valid = """{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Allow","Action":["kinesisvideo:Describe*","kinesisvideo:ConnectAs?iewer"],"Resource":["arn:aws:kinesisvideo:us-east-1:000000000000:channel/${aws:username, 'x'}/*","*"]},{"Effect":"Deny","Action":"*","Resource":"arn:aws:kinesisvideo:*:*:channel/${*}/*"}]}""";
        Assert.Equal(2, AccessPolicy.Parse(valid).Statements.Count);

        for (var length = 0; length < valid.Length; length++)
        {
            AssertOnlyTypedOutcome(valid[..length]);
        }
    }

    [Fact]
    public void Random_and_mutated_documents_only_ever_yield_a_policy_or_a_policy_error()
    {
        const string seedText = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesisvideo:*"],"Resource":["arn:aws:kinesisvideo:*:*:channel/${credentials-iot:ThingName}/*"]}]}""";
        var random = new Random(20261123);
        const string alphabet = "{}[]\":,${}*?'\\ \n\tAllowDenyStatementEffectActionResourceVersion2012-10-17arn:aws:kinesisvideo\u0000\u00e9\ud83d\ude00";
        for (var i = 0; i < 5000; i++)
        {
            var chars = seedText.ToCharArray().ToList();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(chars.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when chars.Count > 0 && at < chars.Count:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        if (at < chars.Count)
                        {
                            chars[at] = alphabet[random.Next(alphabet.Length)];
                        }

                        break;
                }
            }

            AssertOnlyTypedOutcome(new string([.. chars]));
        }

        for (var i = 0; i < 2000; i++)
        {
            var junk = new char[random.Next(0, 300)];
            for (var c = 0; c < junk.Length; c++)
            {
                junk[c] = alphabet[random.Next(alphabet.Length)];
            }

            AssertOnlyTypedOutcome(new string(junk));
        }
    }

    private static void AssertOnlyTypedOutcome(string text)
    {
        try
        {
            var policy = AccessPolicy.Parse(text);
            // Whatever parsed must survive the round trip through storage and session tokens.
            Assert.Equal(policy.Json, AccessPolicy.ParseNormalized(policy.Json).Json);
            policy.Evaluate("kinesisvideo:ConnectAsViewer", "arn:aws:kinesisvideo:us-east-1:000000000000:channel/cam/1", new Dictionary<string, string>());
        }
        catch (PolicyFormatException)
        {
        }
    }

    // Found by fuzzing (fuzz/regressions/policy/json-lone-surrogate-escape.json): JsonDocument throws
    // InvalidOperationException when such a string or property name is read, which escaped Parse.
    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kinesisvideo:\ud800Connect","Resource":"*"}}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"*","Sid\udfff":"x"}}""")]
    public void A_json_escape_that_is_half_a_surrogate_pair_is_a_policy_format_error(string text)
    {
        var error = Assert.Throws<PolicyFormatException>(() => AccessPolicy.Parse(text));

        Assert.Contains("surrogate", error.Message, StringComparison.Ordinal);
        Assert.False(AccessPolicy.TryParse(text, out _, out var reason));
        Assert.Equal(error.Message, reason);
    }
}

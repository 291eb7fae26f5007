using System.Text.Json;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Credentials.Policies;

/// <summary>
/// An IAM-like policy: the subset of the IAM JSON policy language that KVS permissions need —
/// <c>Version</c>, <c>Id</c>, <c>Statement</c> (one object or an array) with <c>Sid</c>, <c>Effect</c>,
/// <c>Action</c> and <c>Resource</c> (a string or an array), wildcards <c>*</c>/<c>?</c>, and policy variables
/// such as <c>${credentials-iot:ThingName}</c>. Elements Vigil does not implement (<c>Condition</c>,
/// <c>NotAction</c>, <c>NotResource</c>, <c>Principal</c>) are refused rather than ignored, because ignoring
/// them would grant more than the author meant. Immutable and thread-safe.
/// </summary>
internal sealed class AccessPolicy
{
    /// <summary>The version with policy variables; anything written today should use it.</summary>
    public const string CurrentVersion = "2012-10-17";

    /// <summary>The old version, in which <c>${...}</c> is literal text (IAM's rule, also when Version is absent).</summary>
    public const string LegacyVersion = "2008-10-17";

    /// <summary>Longest policy document accepted, in characters (IAM's limit for inline role policies).</summary>
    public const int MaxDocumentLength = 10_240;

    public const int MaxStatements = 100;
    public const int MaxValuesPerElement = 100;

    // Declared before KinesisVideoFullAccess: static initialisers run in textual order.
    private static readonly System.Buffers.SearchValues<char> SidChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private static readonly System.Buffers.SearchValues<char> ServiceChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    private static readonly System.Buffers.SearchValues<char> ActionNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*?");

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 8,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    private AccessPolicy(string? version, string? id, IReadOnlyList<PolicyStatement> statements, string json)
    {
        Version = version;
        Id = id;
        Statements = statements;
        Json = json;
    }

    /// <summary>Full access to every KVS operation on every channel: the default for an administrator's access key.</summary>
    /// <summary>Nothing at all (an explicit Deny of every action): the default of a non-admin account's long-term key.</summary>
    public static AccessPolicy NoAccess { get; } =
        Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}""");

    public static AccessPolicy KinesisVideoFullAccess { get; } =
        Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesisvideo:*","Resource":"*"}]}""");

    public string? Version { get; }

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>The document, re-serialised compactly (what is stored and carried in session tokens).</summary>
    public string Json { get; }

    /// <summary>Parses a policy document.</summary>
    /// <exception cref="PolicyFormatException">The document is not a policy Vigil understands; the message says where and why.</exception>
    public static AccessPolicy Parse(string text) => Parse(text, MaxDocumentLength);

    /// <summary>
    /// Parses <see cref="Json"/> of a policy that was parsed before (stored with an access key, carried in a
    /// session token). The normalised form may be a few characters longer than the document it came from
    /// (a single statement becomes an array), so the length limit is relaxed; everything else is checked again.
    /// </summary>
    public static AccessPolicy ParseNormalized(string json) => Parse(json, 2 * MaxDocumentLength);

    private static AccessPolicy Parse(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > maxLength)
        {
            throw new PolicyFormatException($"the policy is {text.Length} characters long; at most {maxLength} are allowed");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new PolicyFormatException($"the policy is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // A lone UTF-16 surrogate cannot be transcoded to UTF-8 for the JSON reader.
            throw new PolicyFormatException("the policy is not valid Unicode text", e);
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (InvalidOperationException e)
            {
                // JsonDocument checks escapes only when a string is read: GetString (and a property's Name)
                // throw this for a \uD800-style escape without its other half (found by fuzzing,
                // fuzz/regressions/policy/). Read checks every value's kind before reading it.
                throw new PolicyFormatException("the policy is not valid Unicode text (a \\u escape is half of a surrogate pair)", e);
            }
        }
    }

    /// <summary>Parses a policy document, or says why not.</summary>
    public static bool TryParse(string text, out AccessPolicy? policy, out string? error)
    {
        try
        {
            policy = Parse(text);
            error = null;
            return true;
        }
        catch (PolicyFormatException e)
        {
            policy = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Evaluates this policy alone for <paramref name="action"/> on <paramref name="resource"/>.</summary>
    public PolicyDecision Evaluate(string action, string resource, IReadOnlyDictionary<string, string> variables)
    {
        var decision = PolicyDecision.ImplicitDeny;
        foreach (var statement in Statements)
        {
            if (!statement.AppliesTo(action, resource, variables))
            {
                continue;
            }

            if (statement.Effect == PolicyEffect.Deny)
            {
                return PolicyDecision.ExplicitDeny;
            }

            decision = PolicyDecision.Allow;
        }

        return decision;
    }

    /// <summary>
    /// IAM's rule for a principal policy limited by a session policy: an explicit Deny in either wins; otherwise
    /// both must allow (the session policy can only narrow, never widen, what the principal may do).
    /// </summary>
    public static PolicyDecision Evaluate(AccessPolicy principalPolicy, AccessPolicy? sessionPolicy, string action, string resource, IReadOnlyDictionary<string, string> variables)
    {
        var principal = principalPolicy.Evaluate(action, resource, variables);
        if (sessionPolicy is null || principal == PolicyDecision.ExplicitDeny)
        {
            return principal;
        }

        var session = sessionPolicy.Evaluate(action, resource, variables);
        if (session == PolicyDecision.ExplicitDeny)
        {
            return PolicyDecision.ExplicitDeny;
        }

        return principal == PolicyDecision.Allow && session == PolicyDecision.Allow ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
    }

    public override string ToString() => Json;

    private static AccessPolicy Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException("the policy must be a JSON object with a Statement");
        }

        string? version = null;
        string? id = null;
        JsonElement? statementElement = null;
        foreach (var property in Properties(root, "the policy"))
        {
            switch (property.Name)
            {
                case "Version":
                    version = String(property.Value, "Version");
                    if (version is not (CurrentVersion or LegacyVersion))
                    {
                        throw new PolicyFormatException($"Version: must be \"{CurrentVersion}\" (or the old \"{LegacyVersion}\")");
                    }

                    break;
                case "Id":
                    id = String(property.Value, "Id");
                    break;
                case "Statement":
                    statementElement = property.Value;
                    break;
                default:
                    throw Unknown(property.Name, "the policy", "Version, Id, Statement");
            }
        }

        if (statementElement is not { } statements)
        {
            throw new PolicyFormatException("Statement: is required");
        }

        var variables = version == CurrentVersion;
        var list = new List<PolicyStatement>();
        if (statements.ValueKind == JsonValueKind.Object)
        {
            list.Add(ReadStatement(statements, "Statement", variables));
        }
        else if (statements.ValueKind == JsonValueKind.Array)
        {
            var count = statements.GetArrayLength();
            if (count == 0)
            {
                throw new PolicyFormatException("Statement: must not be empty");
            }

            if (count > MaxStatements)
            {
                throw new PolicyFormatException($"Statement: has {count} statements; at most {MaxStatements} are allowed");
            }

            var index = 0;
            foreach (var statement in statements.EnumerateArray())
            {
                list.Add(ReadStatement(statement, $"Statement[{index++}]", variables));
            }
        }
        else
        {
            throw new PolicyFormatException("Statement: must be an object or an array of objects");
        }

        var json = Serialize(version, id, list);
        return new AccessPolicy(version, id, list, json);
    }

    private static PolicyStatement ReadStatement(JsonElement element, string path, bool variables)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatException($"{path}: must be an object");
        }

        string? sid = null;
        PolicyEffect? effect = null;
        IReadOnlyList<PolicyPattern>? actions = null;
        IReadOnlyList<PolicyPattern>? resources = null;
        foreach (var property in Properties(element, path))
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "Sid":
                    sid = String(property.Value, at);
                    if (sid.Length > 128 || sid.AsSpan().ContainsAnyExcept(SidChars))
                    {
                        throw new PolicyFormatException($"{at}: may contain only letters and digits (at most 128)");
                    }

                    break;
                case "Effect":
                    effect = String(property.Value, at) switch
                    {
                        "Allow" => PolicyEffect.Allow,
                        "Deny" => PolicyEffect.Deny,
                        _ => throw new PolicyFormatException($"{at}: must be \"Allow\" or \"Deny\""),
                    };
                    break;
                case "Action":
                    actions = Patterns(property.Value, at, ValidateAction, variables: false);
                    break;
                case "Resource":
                    resources = Patterns(property.Value, at, ValidateResource, variables);
                    break;
                case "Condition" or "NotAction" or "NotResource" or "Principal" or "NotPrincipal":
                    throw new PolicyFormatException($"{at}: is not supported by Vigil; write the statement with Action and Resource only");
                default:
                    throw Unknown(property.Name, path, "Sid, Effect, Action, Resource");
            }
        }

        return new PolicyStatement(
            sid,
            effect ?? throw new PolicyFormatException($"{path}.Effect: is required"),
            actions ?? throw new PolicyFormatException($"{path}.Action: is required"),
            resources ?? throw new PolicyFormatException($"{path}.Resource: is required"));
    }

    private static string? ValidateAction(string value)
    {
        if (value == "*")
        {
            return null;
        }

        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1 || value.Length > 256
            || value.AsSpan(0, colon).ContainsAnyExcept(ServiceChars) || value.AsSpan(colon + 1).ContainsAnyExcept(ActionNameChars))
        {
            return "must be \"*\" or service:action, e.g. \"kinesisvideo:ConnectAsViewer\" or \"kinesisvideo:*\"";
        }

        return null;
    }

    private static string? ValidateResource(string value)
    {
        if (value == "*")
        {
            return null;
        }

        if (!value.StartsWith("arn:", StringComparison.Ordinal))
        {
            return "must be \"*\" or an ARN such as \"arn:aws:kinesisvideo:us-east-1:000000000000:channel/camera-1/*\"";
        }

        if (value.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || value.Contains('\u007f'))
        {
            return "must not contain control characters";
        }

        return null;
    }

    private static List<PolicyPattern> Patterns(JsonElement element, string path, Func<string, string?> validate, bool variables)
    {
        var values = new List<(string Text, string Path)>();
        if (element.ValueKind == JsonValueKind.String)
        {
            values.Add((element.GetString()!, path));
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var count = element.GetArrayLength();
            if (count == 0)
            {
                throw new PolicyFormatException($"{path}: must not be empty");
            }

            if (count > MaxValuesPerElement)
            {
                throw new PolicyFormatException($"{path}: has {count} values; at most {MaxValuesPerElement} are allowed");
            }

            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var at = $"{path}[{index++}]";
                values.Add((String(item, at), at));
            }
        }
        else
        {
            throw new PolicyFormatException($"{path}: must be a string or an array of strings");
        }

        var patterns = new List<PolicyPattern>(values.Count);
        foreach (var (text, at) in values)
        {
            if (text.Length is 0 or > PolicyPattern.MaxLength)
            {
                throw new PolicyFormatException($"{at}: must be 1 to {PolicyPattern.MaxLength} characters");
            }

            if (validate(text) is { } problem)
            {
                throw new PolicyFormatException($"{at}: {problem}");
            }

            patterns.Add(PolicyPattern.TryCompile(text, variables, out var error)
                ?? throw new PolicyFormatException($"{at}: {error}"));
        }

        return patterns;
    }

    private static IEnumerable<JsonProperty> Properties(JsonElement element, string path)
    {
        // JSON allows a name twice and System.Text.Json keeps both; in a policy that would make
        // {"Effect":"Deny","Effect":"Allow"} ambiguous, so it is an error.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new PolicyFormatException($"{path}: \"{DisplayText.Printable(property.Name)}\" appears twice");
            }

            yield return property;
        }
    }

    private static string String(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new PolicyFormatException($"{path}: must be a string");

    private static PolicyFormatException Unknown(string name, string path, string known) =>
        new($"{path}: unknown element \"{DisplayText.Printable(name)}\" (known: {known})");

    private static string Serialize(string? version, string? id, List<PolicyStatement> statements)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps the text no longer than the document it came from (JSON already
        // required the original to escape what this escapes), so a stored policy always re-parses.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (version is not null)
            {
                writer.WriteString(nameof(Version), version);
            }

            if (id is not null)
            {
                writer.WriteString(nameof(Id), id);
            }

            writer.WriteStartArray("Statement");
            foreach (var statement in statements)
            {
                writer.WriteStartObject();
                if (statement.Sid is not null)
                {
                    writer.WriteString("Sid", statement.Sid);
                }

                writer.WriteString("Effect", statement.Effect == PolicyEffect.Allow ? "Allow" : "Deny");
                WriteList(writer, "Action", statement.Actions);
                WriteList(writer, "Resource", statement.Resources);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<PolicyPattern> patterns)
    {
        writer.WriteStartArray(name);
        foreach (var pattern in patterns)
        {
            writer.WriteStringValue(pattern.Text);
        }

        writer.WriteEndArray();
    }
}

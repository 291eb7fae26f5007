using System.Collections.Frozen;

namespace Vigil.Server.Features.Credentials;

/// <summary>
/// Who a credential speaks for, and the request-context values its policies may name as variables
/// (<c>${credentials-iot:ThingName}</c>, <c>${aws:username}</c>). Variable keys compare case-insensitively,
/// as in IAM; values are used verbatim.
/// </summary>
internal sealed class CredentialPrincipal
{
    public const string ThingNameVariable = "credentials-iot:ThingName";
    public const string ThingTypeNameVariable = "credentials-iot:ThingTypeName";
    public const string CertificateIdVariable = "credentials-iot:AwsCertificateId";
    public const string UserNameVariable = "aws:username";
    public const string UserIdVariable = "aws:userid";

    public const int MaxNameLength = 320;
    public const int MaxVariables = 16;
    public const int MaxVariableValueLength = 1024;

    public CredentialPrincipal(PrincipalKind kind, string name, IEnumerable<KeyValuePair<string, string>>? variables = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, MaxNameLength, nameof(name));
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown principal kind.");
        }

        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in variables ?? [])
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(variables));
            ArgumentNullException.ThrowIfNull(value, nameof(variables));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, MaxVariableValueLength, nameof(variables));
            map[key] = value;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(map.Count, MaxVariables, nameof(variables));
        Kind = kind;
        Name = name;
        Variables = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public PrincipalKind Kind { get; }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Variables { get; }

    /// <summary>
    /// A user (or automation account) named by e-mail; policies may use <c>${aws:username}</c> (the
    /// e-mail address) and, when the account is known, <c>${aws:userid}</c> (its id, which never changes).
    /// </summary>
    public static CredentialPrincipal User(string email, Guid? accountId = null) =>
        new(PrincipalKind.User, email, accountId is { } id
            ? [new(UserNameVariable, email), new(UserIdVariable, id.ToString())]
            : [new(UserNameVariable, email)]);

    /// <summary>
    /// A camera, as the AWS IoT credentials provider describes it: policies may use
    /// <c>${credentials-iot:ThingName}</c>, <c>${credentials-iot:AwsCertificateId}</c> and, when known,
    /// <c>${credentials-iot:ThingTypeName}</c>.
    /// </summary>
    public static CredentialPrincipal Thing(string thingName, string certificateId, string? thingTypeName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificateId);
        var variables = new List<KeyValuePair<string, string>>
        {
            new(ThingNameVariable, thingName),
            new(CertificateIdVariable, certificateId),
        };
        if (thingTypeName is not null)
        {
            variables.Add(new(ThingTypeNameVariable, thingTypeName));
        }

        return new CredentialPrincipal(PrincipalKind.Thing, thingName, variables);
    }

    /// <summary>How error messages and logs name the principal, e.g. <c>user/alice@example.com</c>, <c>thing/camera-1</c>.</summary>
    public override string ToString() => $"{(Kind == PrincipalKind.User ? "user" : "thing")}/{Name}";
}

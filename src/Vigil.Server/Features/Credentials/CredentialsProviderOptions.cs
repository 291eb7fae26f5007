using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Vigil.Server.Features.Credentials;

/// <summary>Section <c>CredentialsProvider</c>: the IoT-style certificate → temporary credentials exchange.</summary>
internal sealed partial class CredentialsProviderOptions : IValidatableObject
{
    public const string Section = "CredentialsProvider";

    /// <summary>HTTPS with a device client certificate required; 0 picks a free port (tests).</summary>
    [Range(0, 65535, ErrorMessage = "must be a port number from 0 to 65535")]
    public int Port { get; set; } = 8444;

    /// <summary>The role alias written into agent.json for cameras.</summary>
    [RegularExpression(RoleAliasPattern, ErrorMessage = "must be 1 to 128 letters, digits or =,@-_")]
    public string DefaultRoleAlias { get; set; } = "VigilCameraRoleAlias";

    /// <summary>Role aliases by name; configured ones are added to the built-in <c>VigilCameraRoleAlias</c>.</summary>
    public IDictionary<string, RoleAliasOptions> RoleAliases { get; } = new Dictionary<string, RoleAliasOptions>(StringComparer.Ordinal)
    {
        ["VigilCameraRoleAlias"] = RoleAliasOptions.CreateCameraDefault(),
    };

    private const string RoleAliasPattern = "^[\\w=,@-]{1,128}$";

    [GeneratedRegex(RoleAliasPattern)]
    private static partial Regex RoleAliasName();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, alias) in RoleAliases)
        {
            if (!RoleAliasName().IsMatch(name))
            {
                yield return new ValidationResult($"'{name}' is not a role alias name (1 to 128 letters, digits or =,@-_)", [nameof(RoleAliases)]);
            }

            if (alias.CredentialDurationSeconds is < 900 or > 43_200)
            {
                yield return new ValidationResult($"{name}: CredentialDurationSeconds must be from 900 to 43200", [nameof(RoleAliases)]);
            }

            if (alias.Statements.Count == 0)
            {
                yield return new ValidationResult($"{name}: the policy has no statements", [nameof(RoleAliases)]);
            }

            if (alias.Statements.Count > 0 && !Policies.AccessPolicy.TryParse(alias.PolicyJson(), out _, out var policyError))
            {
                yield return new ValidationResult($"{name}: the policy is not valid: {policyError}", [nameof(RoleAliases)]);
            }

            foreach (var statement in alias.Statements)
            {
                if (statement.Effect is not ("Allow" or "Deny") || statement.Actions.Count == 0 || statement.Resources.Count == 0)
                {
                    yield return new ValidationResult($"{name}: every statement needs Effect Allow or Deny, Actions and Resources", [nameof(RoleAliases)]);
                }
            }
        }

        if (!RoleAliases.ContainsKey(DefaultRoleAlias))
        {
            yield return new ValidationResult($"no role alias named '{DefaultRoleAlias}' in CredentialsProvider:RoleAliases", [nameof(DefaultRoleAlias)]);
        }
    }
}

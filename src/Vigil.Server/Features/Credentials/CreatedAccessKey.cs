namespace Vigil.Server.Features.Credentials;

/// <summary>A key just created: the only moment its secret exists in plain text outside the caller.</summary>
internal sealed record CreatedAccessKey(AccessKey Key, string SecretAccessKey)
{
    public override string ToString() => $"CreatedAccessKey {{ Id = {Key.Id}, UserId = {Key.UserId} }}";
}

namespace Vigil.Server.Features.Identity;

/// <summary>The two roles. Every account has <see cref="User"/>; admins also have <see cref="Admin"/>.</summary>
internal static class RoleNames
{
    public const string Admin = "admin";
    public const string User = "user";

    public static readonly IReadOnlyList<string> All = [Admin, User];
}

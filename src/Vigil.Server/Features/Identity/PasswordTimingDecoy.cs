using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Vigil.Server.Features.Identity;

/// <summary>
/// Makes a sign-in for an unknown email cost the same password hash as one for a real account,
/// so the response time does not tell which addresses have accounts.
/// </summary>
internal sealed class PasswordTimingDecoy(IPasswordHasher<VigilUser> hasher)
{
    private readonly VigilUser _nobody = new() { Id = Guid.Empty };
    private string? _hash;

    public void Verify(string password)
    {
        _hash ??= hasher.HashPassword(_nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        hasher.VerifyHashedPassword(_nobody, _hash, password);
    }
}

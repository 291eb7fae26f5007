namespace Vigil.Fuzz.Tests.Support;

/// <summary>An input that made a harness throw (<see cref="Exception"/> set) or run past the hang limit.</summary>
internal sealed record FuzzFinding(string Kind, byte[] Input, Exception? Exception, TimeSpan Elapsed)
{
    /// <summary>Saves the input as <c>DIRECTORY/TARGET/KIND-HASH</c> and returns a message for the test failure.</summary>
    public string Report(string target, string directory)
    {
        var folder = Path.Combine(directory, target);
        Directory.CreateDirectory(folder);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Input))[..16];
        var path = Path.Combine(folder, $"{Kind}-{hash}");
        File.WriteAllBytes(path, Input);
        var what = Exception is null
            ? $"ran for {Elapsed.TotalMilliseconds:F0} ms (a hang)"
            : $"threw {Exception}";
        return $"The {target} harness {Kind}: the input {what}.\n"
            + $"Input ({Input.Length} bytes) saved to {path}\n"
            + $"Base64: {Convert.ToBase64String(Input)}\n"
            + $"Fix the parser, then keep the input: cp {path} fuzz/regressions/{target}/ (and add a unit test beside the parser's tests).";
    }
}

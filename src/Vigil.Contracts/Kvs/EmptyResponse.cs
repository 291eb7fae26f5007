namespace Vigil.Contracts.Kvs;

/// <summary><c>{}</c>: the answer of operations without output members.</summary>
public sealed class EmptyResponse
{
    /// <summary>The one instance.</summary>
    public static EmptyResponse Instance { get; } = new();
}

using System.Collections.Concurrent;

namespace Vigil.SigV4.Canonical;

/// <summary>
/// Bounded cache of derived signing keys per (secret, date, region, service). Deriving a key is four
/// HMAC-SHA256 computations, about half of the work of checking one signature, and a client reuses its key
/// for every request of a UTC day (the benchmark in bench/Vigil.SigV4.Bench measures the difference).
/// When full the cache is emptied rather than tracking recency: keys rotate daily, so a full cache mostly
/// holds yesterday's keys, and clearing keeps the structure lock-free and small.
/// Instances belong to one signer or verifier (no static state).
/// </summary>
internal sealed class SigningKeyCache(int capacity)
{
    private readonly ConcurrentDictionary<Key, byte[]> _keys = new();

    public int Capacity { get; } = capacity;

    public int Count => _keys.Count;

    public ReadOnlySpan<byte> GetOrDerive(string secretAccessKey, ReadOnlySpan<char> date, string region, string service, Span<byte> scratch)
    {
        if (Capacity <= 0)
        {
            SignatureMath.DeriveSigningKey(secretAccessKey, date, region, service, scratch);
            return scratch;
        }

        var key = new Key(secretAccessKey, date.ToString(), region, service);
        if (_keys.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var derived = new byte[SignatureMath.HashLength];
        SignatureMath.DeriveSigningKey(secretAccessKey, date, region, service, derived);
        if (_keys.Count >= Capacity)
        {
            _keys.Clear();
        }

        _keys[key] = derived;
        return derived;
    }

    private readonly record struct Key(string Secret, string Date, string Region, string Service);
}

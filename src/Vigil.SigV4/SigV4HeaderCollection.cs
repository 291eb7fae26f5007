using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Vigil.SigV4;

/// <summary>
/// HTTP header fields for signing or verification: names compare case-insensitively (RFC 9110 §5.1), every
/// name keeps its values in arrival order (a repeated field line adds a value; SigV4 joins them with commas).
/// </summary>
/// <example>
/// From ASP.NET Core (<c>IHeaderDictionary</c> enumerates <c>KeyValuePair&lt;string, StringValues&gt;</c>) or
/// from <c>HttpRequestMessage.Headers</c>:
/// <code>
/// var headers = SigV4HeaderCollection.From(httpContext.Request.Headers);
/// var literal = new SigV4HeaderCollection { { "Host", "example.com" }, { "X-Amz-Date", "20240101T000000Z" } };
/// </code>
/// </example>
public sealed class SigV4HeaderCollection : IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Number of distinct header names.</summary>
    public int Count => _fields.Count;

    /// <summary>Copies headers whose values come as a sequence per name (ASP.NET Core <c>StringValues</c>, <c>HttpHeaders</c>).</summary>
    public static SigV4HeaderCollection From<TValues>(IEnumerable<KeyValuePair<string, TValues>> headers)
        where TValues : IEnumerable<string?>
    {
        ArgumentNullException.ThrowIfNull(headers);
        var collection = new SigV4HeaderCollection();
        foreach (var header in headers)
        {
            collection.Add(header.Key, header.Value);
        }

        return collection;
    }

    /// <summary>Copies headers given as one value per entry; repeated names add values.</summary>
    public static SigV4HeaderCollection From(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var collection = new SigV4HeaderCollection();
        foreach (var header in headers)
        {
            collection.Add(header.Key, header.Value);
        }

        return collection;
    }

    /// <summary>Adds one value for <paramref name="name"/> (a <see langword="null"/> value counts as empty).</summary>
    public void Add(string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ValuesFor(name).Add(value ?? string.Empty);
    }

    /// <summary>Adds every value in <paramref name="values"/> for <paramref name="name"/>.</summary>
    public void Add<TValues>(string name, TValues values)
        where TValues : IEnumerable<string?>
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        var list = ValuesFor(name);
        foreach (var value in values)
        {
            list.Add(value ?? string.Empty);
        }
    }

    /// <summary>Replaces every value of <paramref name="name"/> with <paramref name="value"/>.</summary>
    public void Set(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        _fields[name] = [value];
    }

    /// <summary>Removes <paramref name="name"/>; returns whether it was present.</summary>
    public bool Remove(string name) => _fields.Remove(name);

    /// <summary>Whether <paramref name="name"/> is present (with at least one value, possibly empty).</summary>
    public bool Contains(string name) => _fields.ContainsKey(name);

    /// <summary>Gets the values of <paramref name="name"/> in arrival order.</summary>
    public bool TryGetValues(string name, [NotNullWhen(true)] out IReadOnlyList<string>? values)
    {
        if (_fields.TryGetValue(name, out var list) && list.Count > 0)
        {
            values = list;
            return true;
        }

        values = null;
        return false;
    }

    /// <summary>Makes a copy that can be changed independently.</summary>
    public SigV4HeaderCollection Clone()
    {
        var copy = new SigV4HeaderCollection();
        foreach (var (name, values) in _fields)
        {
            copy._fields[name] = [.. values];
        }

        return copy;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, IReadOnlyList<string>>> GetEnumerator()
    {
        foreach (var (name, values) in _fields)
        {
            yield return new KeyValuePair<string, IReadOnlyList<string>>(name, values);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private List<string> ValuesFor(string name)
    {
        if (!_fields.TryGetValue(name, out var list))
        {
            list = [];
            _fields[name] = list;
        }

        return list;
    }
}

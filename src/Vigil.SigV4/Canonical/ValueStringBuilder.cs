using System.Buffers;

namespace Vigil.SigV4.Canonical;

/// <summary>
/// A growable character buffer over a caller's stack span that falls back to <see cref="ArrayPool{T}"/>:
/// canonical requests and strings to sign are built without per-request string concatenation.
/// Always pass it by <c>ref</c> and <see cref="Dispose"/> it.
/// </summary>
internal ref struct ValueStringBuilder
{
    private char[]? _rented;
    private Span<char> _chars;
    private int _length;

    public ValueStringBuilder(Span<char> initialBuffer)
    {
        _rented = null;
        _chars = initialBuffer;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> AsSpan() => _chars[.._length];

    public void Append(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length > _chars.Length - text.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars[_length..]);
        _length += text.Length;
    }

    /// <summary>Returns a span of <paramref name="count"/> characters to write into, then counts them as written.</summary>
    public Span<char> AppendSpan(int count)
    {
        if (_length > _chars.Length - count)
        {
            Grow(count);
        }

        var span = _chars.Slice(_length, count);
        _length += count;
        return span;
    }

    public override readonly string ToString() => AsSpan().ToString();

    public void Dispose()
    {
        var rented = _rented;
        this = default;
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void Grow(int additional)
    {
        // Checked: a length past int.MaxValue must fail loudly (OverflowException), not wrap around.
        var required = checked(_length + additional);
        var next = ArrayPool<char>.Shared.Rent(Math.Max(required, (int)Math.Min(2L * _chars.Length, Array.MaxLength)));
        _chars[.._length].CopyTo(next);
        var old = _rented;
        _chars = _rented = next;
        if (old is not null)
        {
            ArrayPool<char>.Shared.Return(old);
        }
    }
}

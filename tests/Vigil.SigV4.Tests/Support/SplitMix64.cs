using System.Text;

namespace Vigil.SigV4.Tests.Support;

/// <summary>Which characters <see cref="SplitMix64.Text"/> draws from.</summary>
internal enum RandomText
{
    Token,
    VisibleAsciiAndSpaces,
    Unicode,
    AnyChar,
}

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator so randomised tests repeat exactly, on any
/// runtime, without System.Random (banned in this repository; predictability is the point here).
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private const string TokenCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!#$&'*+^`|";
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="exclusiveMax"/>).</summary>
    public int Next(int exclusiveMax) => exclusiveMax <= 0 ? 0 : (int)(NextUInt64() % (ulong)exclusiveMax);

    public bool Chance(int percent) => Next(100) < percent;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)NextUInt64();
        }

        return bytes;
    }

    public string Text(int minLength, int maxLength, RandomText kind)
    {
        var length = minLength + Next(maxLength - minLength + 1);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            switch (kind)
            {
                case RandomText.Token:
                    builder.Append(TokenCharacters[Next(TokenCharacters.Length)]);
                    break;
                case RandomText.VisibleAsciiAndSpaces:
                    builder.Append((char)(Chance(15) ? ' ' : '!' + Next(94)));
                    break;
                case RandomText.Unicode:
                    // Mostly ASCII, some Latin-1, CJK and astral (surrogate pair) characters.
                    var roll = Next(10);
                    if (roll < 6)
                    {
                        builder.Append((char)(' ' + Next(95)));
                    }
                    else if (roll < 8)
                    {
                        builder.Append((char)(0xA0 + Next(0x60)));
                    }
                    else if (roll < 9)
                    {
                        builder.Append((char)(0x4E00 + Next(0x5000)));
                    }
                    else
                    {
                        builder.Append(char.ConvertFromUtf32(0x1F600 + Next(0x50)));
                    }

                    break;
                default:
                    builder.Append((char)Next(0x10000));
                    break;
            }
        }

        return builder.ToString();
    }
}

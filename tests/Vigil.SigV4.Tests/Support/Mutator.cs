namespace Vigil.SigV4.Tests.Support;

/// <summary>Random edits of well-formed SigV4 text that aim at the parsers' separators, escapes and lengths.</summary>
internal sealed class Mutator(SplitMix64 random)
{
    private static readonly string[] Fragments =
    [
        ",", ", ", ";", "=", "==", "/", "//", "&", "&&", "?", "%", "%2", "%zz", "%2F", "%25", "%00", "+", " ", "\t", "\r\n", "\n ",
        "AWS4-HMAC-SHA256", "Credential=", "SignedHeaders=", "Signature=", "X-Amz-Signature=", "X-Amz-Date=", "X-Amz-Expires=",
        "X-Amz-Credential=", "X-Amz-Security-Token=", "aws4_request", "host", "x-amz-date", "99999999999999999999", "-1",
        "20240101T120000Z", "\u00e9", "\u4e2d", "\ud83d\ude00", "\ud800", "\udc00", "\0", "\u0085", "\uFEFF",
    ];

    public string Mutate(string text)
    {
        for (var edits = 1 + random.Next(3); edits > 0; edits--)
        {
            text = MutateOnce(text);
        }

        return text;
    }

    private string MutateOnce(string text)
    {
        var position = random.Next(text.Length + 1);
        switch (random.Next(7))
        {
            case 0: // delete a range
                var length = random.Next(Math.Min(16, text.Length - position) + 1);
                return text.Remove(position, length);
            case 1: // insert a separator or a token
                return text.Insert(position, random.Pick(Fragments));
            case 2: // insert arbitrary characters
                return text.Insert(position, random.Text(1, 4, RandomText.AnyChar));
            case 3: // truncate
                return text[..position];
            case 4: // replace one character
                return position < text.Length ? string.Concat(text.AsSpan(0, position), random.Text(1, 1, RandomText.AnyChar), text.AsSpan(position + 1)) : text;
            case 5: // repeat a piece
                var piece = text.Substring(position, random.Next(Math.Min(32, text.Length - position) + 1));
                return text.Insert(position, piece + piece);
            default: // shuffle the separated parts
                var separator = random.Pick([",", "&", ";", "/"]);
                var parts = text.Split(separator);
                for (var i = parts.Length - 1; i > 0; i--)
                {
                    var j = random.Next(i + 1);
                    (parts[i], parts[j]) = (parts[j], parts[i]);
                }

                return string.Join(separator, parts);
        }
    }
}

using System.Text;

namespace Vigil.Server.Features.Credentials.Policies;

/// <summary>
/// An Action or Resource value: literal text with the IAM wildcards <c>*</c> (any run of characters,
/// including none and including <c>/</c> and <c>:</c>) and <c>?</c> (exactly one character), and, in
/// policies of version 2012-10-17, policy variables <c>${key}</c> / <c>${key, 'default'}</c> whose values
/// are substituted as literal text (a <c>*</c> inside a thing name never acts as a wildcard).
/// <c>${*}</c>, <c>${?}</c> and <c>${$}</c> stand for the literal characters.
/// </summary>
internal sealed class PolicyPattern
{
    public const int MaxLength = 2048;
    private const int MaxVariableKeyLength = 128;

    private readonly Element[] _elements;
    private readonly char[]? _fixedChars;
    private readonly bool[]? _fixedWild;

    private PolicyPattern(string text, Element[] elements)
    {
        Text = text;
        _elements = elements;
        if (!elements.Any(e => e.Kind == ElementKind.Variable))
        {
            (_fixedChars, _fixedWild) = Flatten(elements, variables: null)!.Value;
        }
    }

    private enum ElementKind
    {
        Literal,
        Star,
        Question,
        Variable,
    }

    /// <summary>The pattern as written in the policy.</summary>
    public string Text { get; }

    /// <summary>Whether the pattern uses policy variables.</summary>
    public bool HasVariables => _fixedChars is null;

    /// <summary>Compiles <paramref name="text"/>; returns null and a reason when it is malformed.</summary>
    public static PolicyPattern? TryCompile(string text, bool allowVariables, out string? error)
    {
        error = null;
        var elements = new List<Element>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '*' or '?')
            {
                Flush();
                elements.Add(new Element(c == '*' ? ElementKind.Star : ElementKind.Question, "", null));
            }
            else if (c == '$' && allowVariables && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    error = "a policy variable '${' has no closing '}'";
                    return null;
                }

                var body = text.AsSpan(i + 2, close - i - 2);
                switch (body)
                {
                    case "*":
                    case "?":
                    case "$":
                        literal.Append(body[0]);
                        break;
                    default:
                        if (ParseVariable(body, out var key, out var fallback, out error) is false)
                        {
                            return null;
                        }

                        Flush();
                        elements.Add(new Element(ElementKind.Variable, key!, fallback));
                        break;
                }

                i = close;
            }
            else
            {
                literal.Append(c);
            }
        }

        Flush();
        return new PolicyPattern(text, [.. elements]);

        void Flush()
        {
            if (literal.Length > 0)
            {
                elements.Add(new Element(ElementKind.Literal, literal.ToString(), null));
                literal.Clear();
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> matches, with <paramref name="variables"/> substituted.</summary>
    /// <remarks>A variable with no value in the request context and no default makes the pattern match nothing (as IAM).</remarks>
    public bool Matches(string value, IReadOnlyDictionary<string, string> variables, bool ignoreCase)
    {
        if (_fixedChars is not null)
        {
            return Glob(_fixedChars, _fixedWild!, value, ignoreCase);
        }

        return Flatten(_elements, variables) is { } resolved && Glob(resolved.Chars, resolved.Wild, value, ignoreCase);
    }

    public override string ToString() => Text;

    private static bool? ParseVariable(ReadOnlySpan<char> body, out string? key, out string? fallback, out string? error)
    {
        key = null;
        fallback = null;
        error = null;
        var comma = body.IndexOf(',');
        var keySpan = (comma < 0 ? body : body[..comma]).Trim();
        if (keySpan.Length is 0 or > MaxVariableKeyLength || keySpan.ContainsAnyExcept(VariableKeyChars))
        {
            error = "a policy variable must be ${key} or ${key, 'default'} with a key of letters, digits and : _ - . /";
            return false;
        }

        if (comma >= 0)
        {
            var rest = body[(comma + 1)..].Trim();
            if (rest.Length < 2 || rest[0] != '\'' || rest[^1] != '\'' || rest[1..^1].Contains('\''))
            {
                error = "a policy variable's default must be quoted: ${key, 'default'}";
                return false;
            }

            fallback = rest[1..^1].ToString();
        }

        key = keySpan.ToString();
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> VariableKeyChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-./");

    private static (char[] Chars, bool[] Wild)? Flatten(Element[] elements, IReadOnlyDictionary<string, string>? variables)
    {
        var length = 0;
        foreach (var element in elements)
        {
            switch (element.Kind)
            {
                case ElementKind.Literal:
                    length += element.Value.Length;
                    break;
                case ElementKind.Variable:
                    var value = Resolve(element, variables);
                    if (value is null)
                    {
                        return null;
                    }

                    length += value.Length;
                    break;
                default:
                    length++;
                    break;
            }
        }

        var chars = new char[length];
        var wild = new bool[length];
        var at = 0;
        foreach (var element in elements)
        {
            switch (element.Kind)
            {
                case ElementKind.Literal:
                    element.Value.CopyTo(chars.AsSpan(at));
                    at += element.Value.Length;
                    break;
                case ElementKind.Variable:
                    var value = Resolve(element, variables)!;
                    value.CopyTo(chars.AsSpan(at));
                    at += value.Length;
                    break;
                default:
                    chars[at] = element.Kind == ElementKind.Star ? '*' : '?';
                    wild[at] = true;
                    at++;
                    break;
            }
        }

        return (chars, wild);
    }

    private static string? Resolve(Element variable, IReadOnlyDictionary<string, string>? variables) =>
        variables is not null && variables.TryGetValue(variable.Value, out var value) ? value : variable.Default;

    /// <summary>Wildcard match with single-star backtracking: linear in practice, O(n·m) at worst, no recursion.</summary>
    private static bool Glob(char[] pattern, bool[] wild, string value, bool ignoreCase)
    {
        int p = 0, v = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && wild[p] && pattern[p] == '*')
            {
                starP = p++;
                starV = v;
            }
            else if (p < pattern.Length && ((wild[p] && pattern[p] == '?') || (!wild[p] && Same(pattern[p], value[v], ignoreCase))))
            {
                p++;
                v++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && wild[p] && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    private readonly record struct Element(ElementKind Kind, string Value, string? Default);
}

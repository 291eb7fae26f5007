using System.Text;

namespace Vigil.SigV4.Tests.Support;

/// <summary>
/// A request in the AWS SigV4 test-suite text layout (<c>.req</c>): request line, <c>Name:value</c> header
/// lines (a line starting with whitespace continues the previous value, obsolete line folding), a blank line,
/// then the body.
/// </summary>
internal sealed record VectorRequest(string Method, string Path, string? Query, SigV4HeaderCollection Headers, byte[] Body)
{
    public static string VectorsDirectory => System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors");

    public static string ReadFile(string vector, string extension) =>
        File.ReadAllText(System.IO.Path.Combine(VectorsDirectory, vector, vector + extension), new UTF8Encoding(false));

    public static VectorRequest Load(string vector) => Parse(ReadFile(vector, ".req"));

    public static VectorRequest Parse(string text)
    {
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = blank < 0 ? text : text[..blank];
        var body = blank < 0 ? [] : Encoding.UTF8.GetBytes(text[(blank + 2)..]);
        var lines = head.Split('\n');

        // "GET /example space/ HTTP/1.1": the target may contain spaces, so cut at the last " HTTP/".
        var requestLine = lines[0];
        var firstSpace = requestLine.IndexOf(' ', StringComparison.Ordinal);
        var version = requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal);
        var method = requestLine[..firstSpace];
        var target = requestLine[(firstSpace + 1)..version];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? null : target[(question + 1)..];

        var fields = new List<(string Name, string Value)>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                var (name, value) = fields[^1];
                fields[^1] = (name, value + "\n" + line);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            fields.Add((line[..colon], line[(colon + 1)..]));
        }

        var headers = new SigV4HeaderCollection();
        foreach (var (name, value) in fields)
        {
            headers.Add(name, value);
        }

        return new VectorRequest(method, path, query, headers, body);
    }

    public SigV4SigningRequest ToSigningRequest() => new()
    {
        Method = Method,
        Path = Path,
        QueryString = Query,
        Headers = Headers.Clone(),
        Body = Body,
    };

    public SigV4VerificationRequest ToVerificationRequest(SigV4HeaderCollection headers) => new()
    {
        Method = Method,
        Path = Path,
        QueryString = Query,
        Headers = headers,
        Body = Body,
    };
}

using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigil.Server.Hosting;

namespace Vigil.Server.Features.Devices;

/// <summary>
/// Reads a manufacturing-registry file (CSV or JSON) completely and checks every row before
/// anything is imported: a file with one bad row imports nothing, and each problem names its line.
/// </summary>
internal static class RegistryFileParser
{
    public const int MaxRows = 1_000_000;
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>Stop collecting after this many problems: the file needs fixing anyway.</summary>
    public const int MaxProblems = 100;

    private static readonly string[] Columns = ["serial", "secret", "model"];

    public static RegistryFileFormat Detect(string fileName, ReadOnlySpan<byte> content)
    {
        var extension = Path.GetExtension(fileName);
        if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return RegistryFileFormat.Json;
        }

        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return RegistryFileFormat.Csv;
        }

        var text = content.StartsWith(Utf8Bom) ? content[3..] : content;
        var first = text.TrimStart(" \t\r\n"u8);
        return first.Length > 0 && first[0] == (byte)'[' ? RegistryFileFormat.Json : RegistryFileFormat.Csv;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static RegistryParseResult Parse(ReadOnlySpan<byte> content, RegistryFileFormat format)
    {
        if (content.Length > MaxFileBytes)
        {
            return Fail(0, $"the file is larger than {MaxFileBytes / (1024 * 1024)} MB");
        }

        if (content.StartsWith(Utf8Bom))
        {
            content = content[3..];
        }

        if (!Utf8.IsValid(content))
        {
            return Fail(LineOfInvalidUtf8(content), "the text is not valid UTF-8");
        }

        var collector = new Collector();
        if (format == RegistryFileFormat.Json)
        {
            ParseJson(content, collector);
        }
        else
        {
            ParseCsv(Encoding.UTF8.GetString(content), collector);
        }

        if (collector.Problems.Count == 0 && collector.Rows.Count == 0)
        {
            collector.Problem(0, "the file lists no devices");
        }

        return new RegistryParseResult(collector.Rows, collector.Problems);
    }

    private static RegistryParseResult Fail(int line, string reason) => new([], [new RegistryProblem(line, reason)]);

    private static int LineOfInvalidUtf8(ReadOnlySpan<byte> content)
    {
        var line = 1;
        while (true)
        {
            var end = content.IndexOf((byte)'\n');
            var current = end < 0 ? content : content[..end];
            if (!Utf8.IsValid(current) || end < 0)
            {
                return line;
            }

            content = content[(end + 1)..];
            line++;
        }
    }

    // RFC 4180: fields separated by commas, records by CRLF (LF accepted); a field in double
    // quotes may hold commas, line breaks and doubled quotes.
    private static void ParseCsv(string text, Collector collector)
    {
        var position = 0;
        var line = 1;
        Dictionary<string, int>? header = null;
        var fields = new List<string>();
        var field = new StringBuilder();

        while (position < text.Length && !collector.Full)
        {
            var recordLine = line;
            fields.Clear();
            string? error = null;
            var endOfRecord = false;
            while (!endOfRecord && error is null)
            {
                field.Clear();
                if (position < text.Length && text[position] == '"')
                {
                    position++;
                    var closed = false;
                    while (position < text.Length)
                    {
                        var c = text[position++];
                        if (c == '"')
                        {
                            if (position < text.Length && text[position] == '"')
                            {
                                field.Append('"');
                                position++;
                                continue;
                            }

                            closed = true;
                            break;
                        }

                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append(c);
                    }

                    if (!closed)
                    {
                        error = "a quoted field is not closed";
                        break;
                    }

                    if (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                    {
                        error = "unexpected text after a closing quote";
                        break;
                    }
                }
                else
                {
                    while (position < text.Length && text[position] is not (',' or '\r' or '\n'))
                    {
                        if (text[position] == '"')
                        {
                            error = "a quote inside an unquoted field (quote the whole field and double the quote)";
                            break;
                        }

                        field.Append(text[position++]);
                    }
                }

                fields.Add(field.ToString());
                if (position >= text.Length)
                {
                    endOfRecord = true;
                }
                else if (text[position] == ',')
                {
                    position++;
                }
                else if (error is null)
                {
                    position += text[position] == '\r' && position + 1 < text.Length && text[position + 1] == '\n' ? 2 : 1;
                    line++;
                    endOfRecord = true;
                }
            }

            if (error is not null)
            {
                collector.Problem(recordLine, error);
                return;
            }

            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (header is null)
            {
                header = ReadHeader(fields, recordLine, collector);
                if (header is null)
                {
                    return;
                }

                continue;
            }

            if (fields.Count != header.Count)
            {
                collector.Problem(recordLine, $"expected {header.Count} fields, found {fields.Count}");
                continue;
            }

            collector.Add(recordLine, fields[header["serial"]], fields[header["secret"]], fields[header["model"]]);
        }

        if (header is null && collector.Problems.Count == 0)
        {
            collector.Problem(0, "the file has no header row (serial,secret,model)");
        }
    }

    private static Dictionary<string, int>? ReadHeader(List<string> fields, int line, Collector collector)
    {
        var header = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Trim().ToLowerInvariant();
            if (!Columns.Contains(name))
            {
                collector.Problem(line, $"unknown column '{DisplayText.Printable(fields[i])}' in the header (expected serial,secret,model)");
                return null;
            }

            if (!header.TryAdd(name, i))
            {
                collector.Problem(line, $"column '{name}' appears twice in the header");
                return null;
            }
        }

        var missing = Columns.Where(c => !header.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            collector.Problem(line, $"the header lacks the column(s) {string.Join(", ", missing)} (expected serial,secret,model)");
            return null;
        }

        return header;
    }

    private static void ParseJson(ReadOnlySpan<byte> content, Collector collector)
    {
        var lines = new LineIndex(content);
        var reader = new Utf8JsonReader(content, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                collector.Problem(reader.TokenType == JsonTokenType.None ? 0 : lines.LineOf(reader.TokenStartIndex), "expected a JSON array of objects");
                return;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray && !collector.Full)
            {
                var line = lines.LineOf(reader.TokenStartIndex);
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    collector.Problem(line, "each element must be an object with serial, secret and model");
                    reader.Skip();
                    continue;
                }

                string? serial = null, secret = null, model = null;
                string? error = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error ??= $"'{DisplayText.Printable(name)}' must be a string";
                        reader.Skip();
                        continue;
                    }

                    var value = reader.GetString()!;
                    switch (name.ToLowerInvariant())
                    {
                        case "serial" when serial is null: serial = value; break;
                        case "secret" when secret is null: secret = value; break;
                        case "model" when model is null: model = value; break;
                        case "serial" or "secret" or "model": error ??= $"'{name}' appears twice"; break;
                        default: error ??= $"unknown property '{DisplayText.Printable(name)}' (expected serial, secret, model)"; break;
                    }
                }

                if (error is not null)
                {
                    collector.Problem(line, error);
                }
                else if (serial is null || secret is null || model is null)
                {
                    var missing = new[] { ("serial", serial), ("secret", secret), ("model", model) }.Where(p => p.Item2 is null).Select(p => p.Item1);
                    collector.Problem(line, $"missing {string.Join(", ", missing)}");
                }
                else
                {
                    collector.Add(line, serial, secret, model);
                }
            }

            if (!collector.Full)
            {
                // Anything but white space after the array makes the reader throw.
                reader.Read();
            }
        }
        catch (JsonException e)
        {
            collector.Problem((int)(e.LineNumber ?? 0) + 1, $"invalid JSON: {FirstSentence(e.Message)}");
        }
        catch (InvalidOperationException)
        {
            // The reader checks escapes only when a string is read: GetString throws this for a \uD800-style
            // escape without its other half (found by fuzzing, fuzz/regressions/registry/). Token types are
            // checked before every GetString above, so this is the only way here.
            collector.Problem(lines.LineOf(reader.TokenStartIndex), "invalid JSON: a \\u escape is half of a surrogate pair (not valid Unicode text)");
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }

    /// <summary>Maps byte offsets to 1-based line numbers.</summary>
    private sealed class LineIndex
    {
        private readonly List<long> _starts = [0];

        public LineIndex(ReadOnlySpan<byte> content)
        {
            for (var i = 0; i < content.Length; i++)
            {
                if (content[i] == (byte)'\n')
                {
                    _starts.Add(i + 1);
                }
            }
        }

        public int LineOf(long offset)
        {
            var index = _starts.BinarySearch(offset);
            return (index >= 0 ? index : ~index - 1) + 1;
        }
    }

    private sealed class Collector
    {
        private readonly Dictionary<string, int> _lineOfSerial = new(StringComparer.Ordinal);

        public List<RegistryRow> Rows { get; } = [];

        public List<RegistryProblem> Problems { get; } = [];

        public bool Full => Problems.Count >= MaxProblems;

        public void Problem(int line, string reason)
        {
            if (!Full)
            {
                Problems.Add(new RegistryProblem(line, reason));
            }
        }

        public void Add(int line, string serial, string secret, string model)
        {
            model = model.Trim();
            var reason = RegistryRules.CheckSerial(serial) ?? RegistryRules.CheckSecret(secret) ?? RegistryRules.CheckModel(model);
            if (reason is not null)
            {
                Problem(line, reason);
                return;
            }

            if (!_lineOfSerial.TryAdd(serial, line))
            {
                Problem(line, $"serial {serial} already appears on line {_lineOfSerial[serial]}");
                return;
            }

            if (Rows.Count >= MaxRows)
            {
                Problem(line, $"the file lists more than {MaxRows} devices; split it");
                return;
            }

            Rows.Add(new RegistryRow(line, serial, secret, model));
        }
    }
}

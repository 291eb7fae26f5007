using System.Globalization;
using System.Text;
using Vigil.Server.Features.Devices;

namespace Vigil.Server.Tests.Features.Devices;

public sealed class RegistryFileParserTests
{
    private static RegistryParseResult Csv(string text) => RegistryFileParser.Parse(Encoding.UTF8.GetBytes(text), RegistryFileFormat.Csv);

    private static RegistryParseResult Json(string text) => RegistryFileParser.Parse(Encoding.UTF8.GetBytes(text), RegistryFileFormat.Json);

    [Fact]
    public void Csv_with_a_header_row_yields_one_row_per_device_with_its_line()
    {
        var result = Csv("serial,secret,model\r\nCAM-1,secret-one,V1\r\nCAM-2,secret-two,V2\r\n");

        Assert.True(result.IsValid);
        Assert.Equal(
            [new RegistryRow(2, "CAM-1", "secret-one", "V1"), new RegistryRow(3, "CAM-2", "secret-two", "V2")],
            result.Rows);
    }

    [Fact]
    public void Csv_columns_may_come_in_any_order_and_any_case()
    {
        var result = Csv("Model,SERIAL,Secret\nV1,CAM-1,secret-one\n");

        Assert.Equal([new RegistryRow(2, "CAM-1", "secret-one", "V1")], result.Rows);
    }

    [Fact]
    public void Csv_quoted_fields_keep_commas_and_doubled_quotes()
    {
        var result = Csv("serial,secret,model\n\"CAM-1\",\"se,cr\"\"et\",\"Model, Two\"\n");

        Assert.Equal([new RegistryRow(2, "CAM-1", "se,cr\"et", "Model, Two")], result.Rows);
    }

    [Fact]
    public void A_quoted_line_break_is_refused_and_later_rows_keep_their_physical_line_numbers()
    {
        var result = Csv("serial,secret,model\nCAM-1,secret-one,\"Model\nTwo\"\nCAM-2,secret-two,V2\n");

        Assert.Equal([new RegistryProblem(2, "model contains a control character")], result.Problems);
        Assert.Equal([new RegistryRow(4, "CAM-2", "secret-two", "V2")], result.Rows);
    }

    [Fact]
    public void Csv_blank_lines_and_a_byte_order_mark_are_ignored()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("serial,secret,model\n\nCAM-1,secret-one,V1\n\n")).ToArray();

        var result = RegistryFileParser.Parse(bytes, RegistryFileFormat.Csv);

        Assert.Equal([new RegistryRow(3, "CAM-1", "secret-one", "V1")], result.Rows);
    }

    [Theory]
    [InlineData("serial,secret,model\nCAM 1,secret-one,V1\n", 2, "serial 'CAM 1' may contain only")]
    [InlineData("serial,secret,model\nCAM-1,short,V1\n", 2, "secret is shorter than 8 characters")]
    [InlineData("serial,secret,model\nCAM-1, secret-one,V1\n", 2, "secret starts or ends with white space")]
    [InlineData("serial,secret,model\nCAM-1,secret-one,\n", 2, "model is empty")]
    [InlineData("serial,secret,model\nCAM-1,secret-one\n", 2, "expected 3 fields, found 2")]
    [InlineData("serial,secret,model\n,secret-one,V1\n", 2, "serial is empty")]
    [InlineData("serial,secret\nCAM-1,secret-one\n", 1, "lacks the column(s) model")]
    [InlineData("serial,secret,model,colour\n", 1, "unknown column 'colour'")]
    [InlineData("serial,secret,serial\n", 1, "column 'serial' appears twice")]
    [InlineData("serial,secret,model\nCAM-1,\"secret-one,V1\n", 2, "a quoted field is not closed")]
    [InlineData("serial,secret,model\nCAM-1,\"secret\"x,V1\n", 2, "unexpected text after a closing quote")]
    [InlineData("serial,secret,model\nCAM-1,sec\"ret-one,V1\n", 2, "a quote inside an unquoted field")]
    [InlineData("serial,secret,model\nCAM-1,secret-one,V1\nCAM-1,secret-two,V1\n", 3, "serial CAM-1 already appears on line 2")]
    [InlineData("", 0, "the file has no header row")]
    [InlineData("serial,secret,model\n", 0, "the file lists no devices")]
    public void A_bad_csv_row_is_reported_with_its_line_and_reason(string text, int line, string reason)
    {
        var result = Csv(text);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(line, problem.Line);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_serial_of_129_characters_is_refused_and_128_accepted()
    {
        Assert.True(Csv($"serial,secret,model\n{new string('a', 128)},secret-one,V1\n").IsValid);
        Assert.Contains("longer than 128", Assert.Single(Csv($"serial,secret,model\n{new string('a', 129)},secret-one,V1\n").Problems).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_row_is_reported_not_only_the_first()
    {
        var result = Csv("serial,secret,model\nCAM-1,x,V1\nCAM-2,secret-two,V2\nCAM 3,secret-three,V3\n");

        Assert.Equal([2, 4], result.Problems.Select(p => p.Line));
        Assert.Single(result.Rows);
    }

    [Fact]
    public void Json_array_of_objects_yields_rows_with_the_line_where_each_object_starts()
    {
        var result = Json("""
            [
              { "serial": "CAM-1", "secret": "secret-one", "model": "V1" },
              {
                "Serial": "CAM-2",
                "SECRET": "secret-two",
                "model": "V2"
              }
            ]
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal([new RegistryRow(2, "CAM-1", "secret-one", "V1"), new RegistryRow(3, "CAM-2", "secret-two", "V2")], result.Rows);
    }

    [Theory]
    [InlineData("""{"serial":"CAM-1"}""", 1, "expected a JSON array of objects")]
    [InlineData("[\n 42\n]", 2, "each element must be an object")]
    [InlineData("[\n {\"serial\":\"CAM-1\",\"secret\":\"secret-one\"}\n]", 2, "missing model")]
    [InlineData("[\n {\"serial\":\"CAM-1\",\"secret\":\"secret-one\",\"model\":\"V1\",\"color\":\"red\"}\n]", 2, "unknown property 'color'")]
    [InlineData("[\n {\"serial\":1234,\"secret\":\"secret-one\",\"model\":\"V1\"}\n]", 2, "'serial' must be a string")]
    [InlineData("[\n {\"serial\":\"CAM-1\",\"serial\":\"CAM-2\",\"secret\":\"secret-one\",\"model\":\"V1\"}\n]", 2, "'serial' appears twice")]
    [InlineData("[\n {\"serial\":\"CAM-1\",\"secret\":\"secret-one\",\"model\":\"V1\"},\n {\"serial\":\"CAM-1\",\"secret\":\"secret-one\",\"model\":\"V1\"}\n]", 3, "already appears on line 2")]
    [InlineData("[\n {\"serial\":\"CAM-1\",\"secret\":\"secret-one\",\"model\":\"V1\"},\n", 3, "invalid JSON")]
    [InlineData("[\n {\"serial\":\"CAM-1\" \"secret\":\"secret-one\"}\n]", 2, "invalid JSON")]
    [InlineData("[] []", 1, "invalid JSON")]
    [InlineData("[]", 0, "the file lists no devices")]
    public void A_bad_json_element_is_reported_with_its_line_and_reason(string text, int line, string reason)
    {
        var result = Json(text);

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(line, problem.Line);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_reported_on_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes("serial,secret,model\nCAM-1,secret-one,V1\nCAM-2,secret-").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes(",V1\n")).ToArray();

        var problem = Assert.Single(RegistryFileParser.Parse(bytes, RegistryFileFormat.Csv).Problems);

        Assert.Equal(new RegistryProblem(3, "the text is not valid UTF-8"), problem);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_without_parsing()
    {
        var big = new byte[RegistryFileParser.MaxFileBytes + 1];

        var problem = Assert.Single(RegistryFileParser.Parse(big, RegistryFileFormat.Csv).Problems);

        Assert.Contains("larger than 64 MB", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_stop_being_collected_after_the_cap()
    {
        var text = new StringBuilder("serial,secret,model\n");
        for (var i = 0; i < 500; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"CAM-{i},x,V1\n");
        }

        Assert.Equal(RegistryFileParser.MaxProblems, Csv(text.ToString()).Problems.Count);
    }

    [Theory]
    [InlineData("devices.json", "serial,x", "Json")]
    [InlineData("devices.CSV", "[", "Csv")]
    [InlineData("-", "  \n [ {}", "Json")]
    [InlineData("devices.txt", "serial,secret,model", "Csv")]
    public void The_format_comes_from_the_extension_else_from_the_content(string name, string content, string expected) =>
        Assert.Equal(expected, RegistryFileParser.Detect(name, Encoding.UTF8.GetBytes(content)).ToString());

    [Fact]
    public void Every_truncation_of_a_valid_file_gives_rows_or_problems_never_an_exception()
    {
        var csv = Encoding.UTF8.GetBytes("serial,secret,model\n\"CAM-1\",\"se\"\"cret-one\",V1\nCAM-2,secret-two,\"V,2\"\n");
        var json = Encoding.UTF8.GetBytes("[{\"serial\":\"CAM-1\",\"secret\":\"secret-one\",\"model\":\"V1\"},{\"serial\":\"CAM-2\",\"secret\":\"secret-two\",\"model\":\"V2\"}]");
        foreach (var (bytes, format) in new[] { (csv, RegistryFileFormat.Csv), (json, RegistryFileFormat.Json) })
        {
            for (var length = 0; length <= bytes.Length; length++)
            {
                var result = RegistryFileParser.Parse(bytes.AsSpan(0, length), format);
                Assert.True(result.Rows.Count > 0 || result.Problems.Count > 0, $"{format} prefix of {length} bytes gave neither rows nor problems");
            }
        }
    }

    [Fact]
    public void Random_input_gives_rows_or_problems_never_an_exception()
    {
        var random = new Random(20261123);
        var alphabet = Encoding.UTF8.GetBytes("serial,secret,model\"\r\n[]{}:,\\ abcAB-_.09é");
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            if (i % 2 == 0)
            {
                random.NextBytes(bytes);
            }
            else
            {
                for (var j = 0; j < bytes.Length; j++)
                {
                    bytes[j] = alphabet[random.Next(alphabet.Length)];
                }
            }

            foreach (var format in new[] { RegistryFileFormat.Csv, RegistryFileFormat.Json })
            {
                var result = RegistryFileParser.Parse(bytes, format);
                Assert.True(result.Rows.Count > 0 || result.Problems.Count > 0);
            }
        }
    }

    // Found by fuzzing (fuzz/regressions/registry/json-lone-surrogate-escape.json): the JSON reader throws
    // InvalidOperationException from GetString for such an escape, which escaped the parser.
    [Theory]
    [InlineData("[\n {\"serial\":\"CAM-\\ud800\",\"secret\":\"s\",\"model\":\"V1\"}\n]")]
    [InlineData("[\n {\"serial\":\"CAM-1\",\"secret\":\"s\",\"model\\udc00\":\"V1\"}\n]")]
    public void A_json_escape_that_is_half_a_surrogate_pair_is_a_problem_on_its_line_not_an_exception(string text)
    {
        var result = Json(text);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains("surrogate", problem.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }
}

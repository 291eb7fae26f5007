using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Tests.Canonical;

public sealed class CanonicalHeadersTests
{
    [Theory]
    [InlineData("value", "value")]
    [InlineData("  a   b \t c  ", "a b c")]
    [InlineData("\"a   b   c\"", "\"a b c\"")]
    [InlineData("line1\r\n  line2", "line1 line2")]
    [InlineData("", "")]
    [InlineData(" \t ", "")]
    public void Header_value_is_trimmed_and_whitespace_runs_collapse_to_one_space(string value, string canonical)
    {
        var builder = new ValueStringBuilder(stackalloc char[16]);
        try
        {
            CanonicalHeaders.AppendTrimmed(ref builder, value);
            Assert.Equal(canonical, builder.ToString());
        }
        finally
        {
            builder.Dispose();
        }
    }

    [Fact]
    public void Repeated_header_values_join_with_commas_in_arrival_order_and_names_match_case_insensitively()
    {
        var headers = new SigV4HeaderCollection { { "My-Header", " b " }, { "my-header", "a" }, { "HOST", "h" } };
        var builder = new ValueStringBuilder(stackalloc char[16]);
        try
        {
            var missing = CanonicalHeaders.Append(ref builder, ["host", "my-header"], headers);

            Assert.Null(missing);
            Assert.Equal("host:h\nmy-header:b,a\n", builder.ToString());
        }
        finally
        {
            builder.Dispose();
        }
    }

    [Fact]
    public void Missing_signed_header_is_reported_by_name()
    {
        var builder = new ValueStringBuilder(stackalloc char[16]);
        try
        {
            Assert.Equal("x-amz-date", CanonicalHeaders.Append(ref builder, ["host", "x-amz-date"], new SigV4HeaderCollection { { "Host", "h" } }));
        }
        finally
        {
            builder.Dispose();
        }
    }
}

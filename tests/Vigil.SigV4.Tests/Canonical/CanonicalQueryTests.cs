using Vigil.SigV4.Canonical;

namespace Vigil.SigV4.Tests.Canonical;

public sealed class CanonicalQueryTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("?", "")]
    [InlineData("?b=2&a=1", "a=1&b=2")]
    [InlineData("a=2&a=1&A=3", "A=3&a=1&a=2")]
    [InlineData("plus=a+b", "plus=a%2Bb")]
    [InlineData("space=a%20b&alsoSpace=a b", "alsoSpace=a%20b&space=a%20b")]
    [InlineData("lower=%2f%3a&upper=%2F%3A&raw=/:", "lower=%2F%3A&raw=%2F%3A&upper=%2F%3A")]
    [InlineData("unreserved=%41%7E-._~", "unreserved=A~-._~")]
    [InlineData("reserved=!'()*", "reserved=%21%27%28%29%2A")]
    [InlineData("flag&empty=&=value", "=value&empty=&flag=")]
    [InlineData("a=1&&&b=2&", "a=1&b=2")]
    [InlineData("bad=%zz%4&trailing=%", "bad=%25zz%254&trailing=%25")]
    [InlineData("utf8=\u00e9&enc=%C3%A9", "enc=%C3%A9&utf8=%C3%A9")]
    [InlineData("eq=a=b", "eq=a%3Db")]
    public void Raw_query_is_decoded_and_re_encoded_strictly_then_sorted(string raw, string canonical)
    {
        var parameters = CanonicalQuery.Parse(raw);
        CanonicalQuery.Sort(parameters);

        Assert.Equal(canonical, Write(parameters, excluded: null));
    }

    [Fact]
    public void Plus_is_never_decoded_as_a_space()
    {
        var parameter = Assert.Single(CanonicalQuery.Parse("X-Amz-Security-Token=abc+def%2B"));

        Assert.Equal("abc+def+", parameter.Value);
        Assert.Equal("abc%2Bdef%2B", parameter.EncodedValue);
    }

    [Fact]
    public void Sorting_is_by_encoded_name_then_value_not_by_the_whole_pair()
    {
        // strcmp of "a-b=1" vs "a=2" would put "a-b" first ('-' < '='); SigV4 sorts by name: "a" < "a-b".
        var parameters = CanonicalQuery.Parse("a-b=1&a=2");
        CanonicalQuery.Sort(parameters);

        Assert.Equal("a=2&a-b=1", Write(parameters, excluded: null));
    }

    [Fact]
    public void Excluded_parameter_is_left_out_wherever_it_sorts()
    {
        var parameters = CanonicalQuery.Parse("X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Security-Token=t");
        CanonicalQuery.Sort(parameters);

        Assert.Equal("X-Amz-Security-Token=t&X-Amz-SignedHeaders=host", Write(parameters, "X-Amz-Signature"));
    }

    private static string Write(List<QueryParameter> parameters, string? excluded)
    {
        var builder = new ValueStringBuilder(stackalloc char[64]);
        try
        {
            CanonicalQuery.Append(ref builder, parameters, excluded);
            return builder.ToString();
        }
        finally
        {
            builder.Dispose();
        }
    }
}

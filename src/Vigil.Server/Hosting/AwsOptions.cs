using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Hosting;

/// <summary>
/// Section <c>Aws</c>: the region and account that appear in ARNs and SigV4 credential scopes.
/// AWS clients need some region to sign with; any name of AWS's shape works because the client
/// is pointed at Vigil's endpoint explicitly.
/// </summary>
internal sealed class AwsOptions
{
    public const string Section = "Aws";

    [RegularExpression("^[a-z0-9]+(-[a-z0-9]+)*$", ErrorMessage = "must look like an AWS region name, e.g. us-east-1")]
    [StringLength(32, MinimumLength = 1, ErrorMessage = "must be 1 to 32 characters")]
    public string Region { get; set; } = "us-east-1";

    [RegularExpression("^[0-9]{12}$", ErrorMessage = "must be 12 digits")]
    public string AccountId { get; set; } = "000000000000";
}

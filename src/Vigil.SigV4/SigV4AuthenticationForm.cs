namespace Vigil.SigV4;

/// <summary>Where a request carried its signature.</summary>
public enum SigV4AuthenticationForm
{
    /// <summary>The <c>Authorization</c> header (with <c>X-Amz-Date</c> or <c>Date</c>).</summary>
    Header,

    /// <summary>Presigned query parameters (<c>X-Amz-Signature</c> and friends).</summary>
    Query,
}

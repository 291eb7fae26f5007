using Microsoft.AspNetCore.Http.HttpResults;

namespace Vigil.Server.Hosting;

/// <summary>
/// Problem details the user API answers with for requests it refuses (RFC 9457): a stable
/// <c>type</c> per kind, and for a bad parameter its name both in the text and as <c>parameter</c>.
/// </summary>
internal static class ApiProblems
{
    public const string InvalidParameterType = ProblemTypes.Base + "invalid-parameter";
    public const string InvalidRequestType = ProblemTypes.Base + "invalid-request";
    public const string ConflictType = ProblemTypes.Base + "conflict";

    public static ProblemHttpResult InvalidParameter(string parameter, string detail) =>
        TypedResults.Problem(
            detail: $"{parameter}: {detail}",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid parameter",
            type: InvalidParameterType,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });

    public static ProblemHttpResult InvalidRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: InvalidRequestType);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", type: ConflictType);
}

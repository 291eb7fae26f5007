using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Vigil.Server.Hosting;

/// <summary>
/// A JSON request body and the JSON Schema (2020-12) it must satisfy: the one document that both
/// validates requests (JsonSchema.Net) and is published as the operation's request body in the
/// OpenAPI document, so what the API accepts and what it says it accepts cannot drift apart. A
/// body that fails gets a problem naming the first bad field, in words taken from the schema's
/// <c>description</c> of that field.
/// </summary>
internal sealed partial class JsonRequestSchema
{
    /// <summary>Request bodies of the user API are small JSON objects; a larger one is refused unread.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    private readonly JsonSchema _schema;
    private readonly JsonObject _document;

    public JsonRequestSchema(string json)
    {
        Json = json;
        _schema = JsonSchema.FromText(json);
        _document = JsonNode.Parse(json)!.AsObject();
    }

    /// <summary>The schema document as written.</summary>
    public string Json { get; }

    /// <summary>Reads, validates and deserialises the body; exactly one of the two results is non-null.</summary>
    public async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, ApiProblems.InvalidRequest($"the body is larger than {MaxBodyBytes} bytes"));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, ApiProblems.InvalidRequest($"the body is larger than {MaxBodyBytes} bytes"));
            }

            buffer.Write(chunk, 0, read);
        }

        return Validate(buffer.ToArray(), type);
    }

    /// <summary>Validates and deserialises a body already read.</summary>
    public (T? Value, ProblemHttpResult? Problem) Validate<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> type)
        where T : class
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return (null, ApiProblems.InvalidRequest("the body is not JSON: send a JSON object (Content-Type: application/json)"));
        }

        using (document)
        {
            var results = _schema.Evaluate(document.RootElement, Evaluation);
            if (!results.IsValid)
            {
                return (null, Describe(results));
            }

            return (document.RootElement.Deserialize(type), null);
        }
    }

    /// <summary>The schema as an OpenAPI request body (OpenAPI 3.1 uses JSON Schema 2020-12, so it is carried over as written).</summary>
    public OpenApiRequestBody ToOpenApiRequestBody()
    {
        var schema = OpenApiModelFactory.Parse<OpenApiSchema>(Json, OpenApiSpecVersion.OpenApi3_1, new OpenApiDocument(), out var diagnostic, "json");
        if (schema is null || diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException($"The request schema is not valid OpenAPI: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        }

        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }

    private ProblemHttpResult Describe(EvaluationResults results)
    {
        var failure = results.Details?.FirstOrDefault(d => d.Errors is { Count: > 0 }) ?? results;
        var errors = failure.Errors ?? [];
        var location = failure.InstanceLocation.ToString();
        if (location.Length == 0)
        {
            if (errors.TryGetValue("required", out var missing) && QuotedNames().Match(missing) is { Success: true } first)
            {
                return ApiProblems.InvalidParameter(first.Groups[1].Value, "is required");
            }

            return ApiProblems.InvalidRequest("the body must be a JSON object");
        }

        var field = location.TrimStart('/').Split('/')[0].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
        var properties = _document["properties"]?.AsObject();
        if (properties?[field] is not JsonObject property)
        {
            return ApiProblems.InvalidParameter(field, $"is not a field of this request (its fields: {string.Join(", ", properties?.Select(p => p.Key) ?? [])})");
        }

        if (errors.ContainsKey("type") && property["type"]?.GetValue<string>() is { } expected)
        {
            return ApiProblems.InvalidParameter(field, $"must be {(expected == "integer" ? "an" : "a")} {expected}");
        }

        return ApiProblems.InvalidParameter(field, property["description"]?.GetValue<string>() is { } rule ? $"must be {rule}" : "is not valid");
    }

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex QuotedNames();
}

using System.Text.Json.Serialization;

namespace Vigil.Server.Features.Ingest;

/// <summary>SendGrid Inbound Parse's <c>envelope</c> field: the SMTP envelope, <c>{"to":[...],"from":"..."}</c>.</summary>
internal sealed record SendGridEnvelope(
    [property: JsonPropertyName("to")] IReadOnlyList<string>? To,
    [property: JsonPropertyName("from")] string? From);
